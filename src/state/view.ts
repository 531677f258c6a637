import type { StateTree } from '../crypto/smt.js';
import { fromUtf8, utf8 } from '../util/bytes.js';

/** Read access to world state by human-readable key ('inv/INV-1'). */
export interface StateReader {
  /** The value under `key`, or undefined. Callers must not mutate the returned bytes. */
  get(key: string): Uint8Array | undefined;
}

/** A writable view: read-your-writes over a parent view (HOUSE-STYLE.md, state/contracts). */
export interface Overlay extends StateReader {
  put(key: string, value: Uint8Array): void;
  delete(key: string): void;
}

/** Adapts a StateTree (whose keys are bytes) to a StateReader; used by queries. */
export function treeReader(tree: StateTree): StateReader {
  return { get: (key) => tree.get(utf8(key)) };
}

/**
 * The writes of one block over a StateTree snapshot. Base reads are cached so a key read by
 * many transactions (a busy signer's account) costs one tree walk per block, and so the same
 * bytes object comes back each time (decodeCached keys on it).
 */
export class BlockOverlay implements Overlay {
  readonly #base: StateTree;
  readonly #baseCache = new Map<string, Uint8Array | null>();
  /** key -> value, null = deleted. Insertion order is execution order (deterministic). */
  readonly #writes = new Map<string, Uint8Array | null>();

  constructor(base: StateTree) {
    this.#base = base;
  }

  /** The value the key had before this block. */
  baseGet(key: string): Uint8Array | undefined {
    let v = this.#baseCache.get(key);
    if (v === undefined) {
      v = this.#base.get(utf8(key)) ?? null;
      this.#baseCache.set(key, v);
    }
    return v ?? undefined;
  }

  get(key: string): Uint8Array | undefined {
    const w = this.#writes.get(key);
    if (w !== undefined) return w ?? undefined;
    return this.baseGet(key);
  }

  put(key: string, value: Uint8Array): void {
    this.#writes.set(key, value);
  }

  delete(key: string): void {
    this.#writes.set(key, null);
  }

  /** A per-transaction child whose writes reach this overlay only on commit(). */
  child(): TxOverlay {
    return new TxOverlay(this);
  }

  /** Keys written in this block, in first-write order. */
  writtenKeys(): IterableIterator<string> {
    return this.#writes.keys();
  }

  /**
   * The net writes of the block as StateTree/storage ops. A write that restores the base value
   * is still listed (the tree treats it as a no-op); it is rare and harmless.
   */
  netWrites(): [Uint8Array, Uint8Array | null][] {
    const out: [Uint8Array, Uint8Array | null][] = [];
    for (const [k, v] of this.#writes) out.push([utf8(k), v]);
    return out;
  }
}

/** One transaction's writes; discarded unless commit() is called. */
export class TxOverlay implements Overlay {
  readonly #parent: BlockOverlay;
  readonly #writes = new Map<string, Uint8Array | null>();

  constructor(parent: BlockOverlay) {
    this.#parent = parent;
  }

  get(key: string): Uint8Array | undefined {
    const w = this.#writes.get(key);
    if (w !== undefined) return w ?? undefined;
    return this.#parent.get(key);
  }

  put(key: string, value: Uint8Array): void {
    this.#writes.set(key, value);
  }

  delete(key: string): void {
    this.#writes.set(key, null);
  }

  /** Moves this transaction's writes into the block. */
  commit(): void {
    for (const [k, v] of this.#writes) {
      if (v === null) this.#parent.delete(k);
      else this.#parent.put(k, v);
    }
  }
}

const caches = new WeakMap<(b: Uint8Array) => unknown, WeakMap<Uint8Array, unknown>>();

/**
 * Decodes `bytes` with `decode`, memoised on the bytes object. Records are immutable (handlers
 * build new ones), so a decoded value can be shared. PERF: a busy signer's account is decoded
 * once per block instead of once per transaction.
 */
export function decodeCached<T>(bytes: Uint8Array, decode: (b: Uint8Array) => T): T {
  let memo = caches.get(decode);
  if (memo === undefined) {
    memo = new WeakMap();
    caches.set(decode, memo);
  }
  const hit = memo.get(bytes);
  if (hit !== undefined) return hit as T;
  const value = decode(bytes);
  memo.set(bytes, value);
  return value;
}

/**
 * Encodes `value` and primes the decodeCached memo for the result, so the next reader of the
 * record in this block gets `value` back without decoding.
 */
export function encodeCached<T>(value: T, encode: (v: T) => Uint8Array, decode: (b: Uint8Array) => T): Uint8Array {
  const bytes = encode(value);
  let memo = caches.get(decode);
  if (memo === undefined) {
    memo = new WeakMap();
    caches.set(decode, memo);
  }
  memo.set(bytes, value);
  return bytes;
}

/** Reads and decodes a record, or undefined when the key is absent. */
export function readRecord<T>(view: StateReader, key: string, decode: (b: Uint8Array) => T): T | undefined {
  const bytes = view.get(key);
  return bytes === undefined ? undefined : decodeCached(bytes, decode);
}

/** State keys are UTF-8 strings; this is the inverse of the encoding used in the tree. */
export function stateKeyToString(key: Uint8Array): string {
  return fromUtf8(key);
}
