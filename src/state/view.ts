import type { StateTree } from '../crypto/smt.js';
import { fromUtf8, utf8 } from '../util/bytes.js';

/** Decodes a stored record; must be pure (its result is shared, so callers never mutate it). */
export type RecordDecoder<T> = (bytes: Uint8Array) => T;

/** Read access to world state by human-readable key ('inv/INV-1'). */
export interface StateReader {
  /** The value under `key`, or undefined. Callers must not mutate the returned bytes. */
  get(key: string): Uint8Array | undefined;
}

/**
 * A writable view: read-your-writes over a parent view (HOUSE-STYLE.md, state/contracts).
 * getRecord/putRecord keep decoded records next to their bytes, so a record read by many
 * transactions of a block (a busy signer's account) is decoded once.
 */
export interface Overlay extends StateReader {
  put(key: string, value: Uint8Array): void;
  delete(key: string): void;
  getRecord<T>(key: string, decode: RecordDecoder<T>): T | undefined;
  putRecord<T>(key: string, value: T, encode: (v: T) => Uint8Array, decode: RecordDecoder<T>): void;
}

/**
 * The tree key of a state key: its UTF-8 bytes. PERF: every key this code builds is ASCII
 * (fixed prefixes, ids of [A-Za-z0-9._:-], hex), where a byte loop is several times faster
 * than TextEncoder for 10-80 characters; anything else falls back to TextEncoder.
 */
export function stateKeyBytes(key: string): Uint8Array {
  const n = key.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = key.charCodeAt(i);
    if (c > 0x7f) return utf8(key);
    out[i] = c;
  }
  return out;
}

/** Adapts a StateTree (whose keys are bytes) to a StateReader; used by queries. */
export function treeReader(tree: StateTree): StateReader {
  return { get: (key) => tree.get(stateKeyBytes(key)) };
}

/** Reads and decodes a record (memoised on overlays), or undefined when the key is absent. */
export function readRecord<T>(view: StateReader | Overlay, key: string, decode: RecordDecoder<T>): T | undefined {
  if ('getRecord' in view) return view.getRecord(key, decode);
  const bytes = view.get(key);
  return bytes === undefined ? undefined : decode(bytes);
}

/** A decoded record next to the bytes it was decoded from. */
export interface RecordMemo {
  readonly bytes: Uint8Array;
  readonly decode: RecordDecoder<unknown>;
  readonly value: unknown;
}

// The memo is valid only while the key still holds the very bytes object it was made from,
// and only for the same decoder; any put() of other bytes makes it stale automatically.
function memoHit<T>(memo: RecordMemo | undefined, bytes: Uint8Array, decode: RecordDecoder<T>): memo is RecordMemo {
  return memo !== undefined && memo.bytes === bytes && memo.decode === decode;
}

/**
 * The writes of one block over a StateTree snapshot. Base reads are cached, so a key read by
 * many transactions costs one tree walk per block and yields the same bytes object each time.
 */
export class BlockOverlay implements Overlay {
  readonly #base: StateTree;
  readonly #baseCache = new Map<string, Uint8Array | null>();
  /** key -> value, null = deleted. Insertion order is execution order (deterministic). */
  readonly #writes = new Map<string, Uint8Array | null>();
  readonly #memo = new Map<string, RecordMemo>();
  /** Records decoded from base bytes; kept when the key is overwritten (index derivation needs both). */
  readonly #baseMemo = new Map<string, RecordMemo>();

  constructor(base: StateTree) {
    this.#base = base;
  }

  /** The value the key had before this block. */
  baseGet(key: string): Uint8Array | undefined {
    let v = this.#baseCache.get(key);
    if (v === undefined) {
      v = this.#base.get(stateKeyBytes(key)) ?? null;
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

  getRecord<T>(key: string, decode: RecordDecoder<T>): T | undefined {
    if (!this.#writes.has(key)) return this.baseRecord(key, decode);
    const bytes = this.get(key);
    if (bytes === undefined) return undefined;
    const memo = this.#memo.get(key);
    if (memoHit(memo, bytes, decode)) return memo.value as T;
    const value = decode(bytes);
    this.#memo.set(key, { bytes, decode, value });
    return value;
  }

  /** The record as it was before this block. */
  baseRecord<T>(key: string, decode: RecordDecoder<T>): T | undefined {
    const bytes = this.baseGet(key);
    if (bytes === undefined) return undefined;
    const memo = this.#baseMemo.get(key);
    if (memoHit(memo, bytes, decode)) return memo.value as T;
    const value = decode(bytes);
    this.#baseMemo.set(key, { bytes, decode, value });
    return value;
  }

  putRecord<T>(key: string, value: T, encode: (v: T) => Uint8Array, decode: RecordDecoder<T>): void {
    const bytes = encode(value);
    this.#writes.set(key, bytes);
    this.#memo.set(key, { bytes, decode: decode as RecordDecoder<unknown>, value });
  }

  /** Records a decoded value for bytes just written (TxOverlay.commit). */
  adoptMemo(key: string, memo: RecordMemo): void {
    this.#memo.set(key, memo);
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
    for (const [k, v] of this.#writes) out.push([stateKeyBytes(k), v]);
    return out;
  }
}

/** One transaction's writes; discarded unless commit() is called. */
export class TxOverlay implements Overlay {
  readonly #parent: BlockOverlay;
  readonly #writes = new Map<string, Uint8Array | null>();
  readonly #memo = new Map<string, RecordMemo>();

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

  getRecord<T>(key: string, decode: RecordDecoder<T>): T | undefined {
    const w = this.#writes.get(key);
    if (w === undefined) return this.#parent.getRecord(key, decode);
    if (w === null) return undefined;
    const memo = this.#memo.get(key);
    if (memoHit(memo, w, decode)) return memo.value as T;
    const value = decode(w);
    this.#memo.set(key, { bytes: w, decode, value });
    return value;
  }

  putRecord<T>(key: string, value: T, encode: (v: T) => Uint8Array, decode: RecordDecoder<T>): void {
    const bytes = encode(value);
    this.#writes.set(key, bytes);
    this.#memo.set(key, { bytes, decode: decode as RecordDecoder<unknown>, value });
  }

  /** Moves this transaction's writes (and their decoded records) into the block. */
  commit(): void {
    for (const [k, v] of this.#writes) {
      if (v === null) this.#parent.delete(k);
      else this.#parent.put(k, v);
    }
    for (const [k, m] of this.#memo) if (this.#writes.get(k) === m.bytes) this.#parent.adoptMemo(k, m);
  }
}

/** State keys are UTF-8 strings; this is the inverse of the encoding used in the tree. */
export function stateKeyToString(key: Uint8Array): string {
  return fromUtf8(key);
}
