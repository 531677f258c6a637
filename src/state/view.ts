import { prepareStringKey, type PreparedKey, type PreparedWrite, type StateTree } from '../crypto/smt.js';
import { fromUtf8, utf8 } from '../util/bytes.js';
import { invariant } from '../util/errors.js';

/** Decodes a stored record; must be pure (its result is shared, so callers never mutate it). */
export type RecordDecoder<T> = (bytes: Uint8Array) => T;

/** Read access to world state by human-readable key ('inv/INV-1'). */
export interface StateReader {
  /** The value under `key`, or undefined. Callers must not mutate the returned bytes. */
  get(key: string): Uint8Array | undefined;
}

/**
 * A writable view: read-your-writes over a parent view (docs/conventions.md, state/contracts).
 * getRecord/putRecord keep decoded records next to their bytes, so a record read by many
 * transactions of a block (a busy signer's account) is decoded once.
 */
export interface Overlay extends StateReader {
  put(key: string, value: Uint8Array): void;
  delete(key: string): void;
  getRecord<T>(key: string, decode: RecordDecoder<T>): T | undefined;
  /** Records are immutable once put: the overlay may encode them later, or never if discarded. */
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

type Encoder = (v: unknown) => Uint8Array;

/**
 * Everything a block knows about one key: the value before the block (read once from the
 * tree), the current value, and the decoded record of each. A current record put with
 * putRecord is encoded only when its bytes are needed (a get, or the block's writes): a
 * signer's account is rewritten by each of its transactions, and only the last version is
 * ever stored. PERF: one Map lookup per access and no per-transaction maps.
 */
class Slot implements PreparedKey {
  /** sha256 of the key's bytes as a binary string ('' until the key reaches the tree). */
  path = '';
  /** The key's bytes as a binary string (the key itself when ASCII, as all contract keys are). */
  bin = '';
  baseLoaded = false;
  /** The value before this block; null when absent. */
  base: Uint8Array | null = null;
  baseDecode: RecordDecoder<unknown> | null = null;
  baseValue: unknown = undefined;
  /** Whether the block (or the open transaction) wrote this key. */
  written = false;
  /** The current bytes when written: null for a delete, or for a record not encoded yet. */
  bytes: Uint8Array | null = null;
  deleted = false;
  /** The current record memo: decode is null when there is none. */
  decode: RecordDecoder<unknown> | null = null;
  value: unknown = undefined;
  /** Set while the record is not encoded yet. */
  encode: Encoder | null = null;
  /** Position in the block's write order; -1 until first written. */
  order = -1;
  /** The transaction that last saved this slot's write state in the journal. */
  txMark = 0;

  constructor(readonly key: string) {}
}

// Fields of one journal entry (flat in one array, so opening a transaction allocates nothing):
// the slot, then written, bytes, deleted, decode, value, encode, order as they were.
const ENTRY = 8;

/**
 * The writes of one block over a StateTree snapshot. Base reads are cached, so a key read by
 * many transactions costs one tree walk per block and yields the same bytes object each time.
 *
 * Transactions (begin / commitTx / rollbackTx, or child()) write straight into the block and
 * journal what each key held before, so committing is free and rolling back restores those
 * keys exactly; reads inside a transaction see its writes. One transaction at a time.
 */
export class BlockOverlay implements Overlay {
  readonly #base: StateTree;
  readonly #slots = new Map<string, Slot>();
  /** Slots in first-write order (execution order: deterministic). */
  readonly #order: Slot[] = [];
  readonly #journal: unknown[] = [];
  #tx = 0;
  #open = false;
  #orderMark = 0;

  constructor(base: StateTree) {
    this.#base = base;
  }

  #slot(key: string): Slot {
    let s = this.#slots.get(key);
    if (s === undefined) {
      s = new Slot(key);
      this.#slots.set(key, s);
    }
    return s;
  }

  #loadBase(s: Slot): Uint8Array | null {
    if (!s.baseLoaded) {
      prepare(s);
      s.base = this.#base.getPrepared(s) ?? null;
      s.baseLoaded = true;
    }
    return s.base;
  }

  /** The value the key had before this block. */
  baseGet(key: string): Uint8Array | undefined {
    return this.#loadBase(this.#slot(key)) ?? undefined;
  }

  get(key: string): Uint8Array | undefined {
    const s = this.#slot(key);
    if (!s.written) return this.#loadBase(s) ?? undefined;
    return s.deleted ? undefined : currentBytes(s);
  }

  put(key: string, value: Uint8Array): void {
    const s = this.#write(key);
    s.bytes = value;
    s.deleted = false;
    s.decode = null;
    s.value = undefined;
    s.encode = null;
  }

  delete(key: string): void {
    const s = this.#write(key);
    s.bytes = null;
    s.deleted = true;
    s.decode = null;
    s.value = undefined;
    s.encode = null;
  }

  getRecord<T>(key: string, decode: RecordDecoder<T>): T | undefined {
    const s = this.#slot(key);
    if (!s.written) return this.#baseRecordOf(s, decode);
    if (s.deleted) return undefined;
    if (s.decode === decode) return s.value as T;
    const value = decode(currentBytes(s));
    s.decode = decode as RecordDecoder<unknown>;
    s.value = value;
    return value;
  }

  /** The record as it was before this block. */
  baseRecord<T>(key: string, decode: RecordDecoder<T>): T | undefined {
    return this.#baseRecordOf(this.#slot(key), decode);
  }

  #baseRecordOf<T>(s: Slot, decode: RecordDecoder<T>): T | undefined {
    const bytes = this.#loadBase(s);
    if (bytes === null) return undefined;
    if (s.baseDecode === decode) return s.baseValue as T;
    const value = decode(bytes);
    s.baseDecode = decode as RecordDecoder<unknown>;
    s.baseValue = value;
    return value;
  }

  putRecord<T>(key: string, value: T, encode: (v: T) => Uint8Array, decode: RecordDecoder<T>): void {
    const s = this.#write(key);
    s.bytes = null;
    s.deleted = false;
    s.decode = decode as RecordDecoder<unknown>;
    s.value = value;
    s.encode = encode as Encoder;
  }

  // The slot of a key about to be written: journalled once per transaction, ordered on first write.
  #write(key: string): Slot {
    const s = this.#slot(key);
    if (this.#open && s.txMark !== this.#tx) {
      s.txMark = this.#tx;
      this.#journal.push(s, s.written, s.bytes, s.deleted, s.decode, s.value, s.encode, s.order);
    }
    s.written = true;
    if (s.order < 0) {
      s.order = this.#order.length;
      this.#order.push(s);
    }
    return s;
  }

  /** Opens a transaction: its writes land in this overlay and are undone by rollbackTx(). */
  begin(): void {
    invariant(!this.#open, 'one transaction at a time');
    this.#open = true;
    this.#tx++;
    this.#orderMark = this.#order.length;
  }

  /** Keeps the open transaction's writes. */
  commitTx(): void {
    invariant(this.#open, 'commitTx without begin');
    this.#open = false;
    this.#journal.length = 0;
  }

  /** Undoes the open transaction's writes: every key it wrote is back as it was before begin(). */
  rollbackTx(): void {
    invariant(this.#open, 'rollbackTx without begin');
    const j = this.#journal;
    for (let i = j.length - ENTRY; i >= 0; i -= ENTRY) {
      const s = j[i] as Slot;
      s.written = j[i + 1] as boolean;
      s.bytes = j[i + 2] as Uint8Array | null;
      s.deleted = j[i + 3] as boolean;
      s.decode = j[i + 4] as RecordDecoder<unknown> | null;
      s.value = j[i + 5];
      s.encode = j[i + 6] as Encoder | null;
      s.order = j[i + 7] as number;
    }
    j.length = 0;
    // Keys first written by this transaction were appended after the mark, and only those.
    this.#order.length = this.#orderMark;
    this.#open = false;
  }

  /** A per-transaction view whose writes stay in the block only if commit() is called. */
  child(): TxOverlay {
    this.begin();
    return new TxOverlay(this);
  }

  /** Keys written in this block, in first-write order. */
  writtenKeys(): string[] {
    return this.#order.map((s) => s.key);
  }

  /**
   * The net writes of the block as StateTree/storage ops, in first-write order. A write that
   * restores the base value is still listed (the tree treats it as a no-op); it is rare and
   * harmless.
   */
  netWrites(): [Uint8Array, Uint8Array | null][] {
    invariant(!this.#open, 'netWrites with a transaction open');
    const out: [Uint8Array, Uint8Array | null][] = [];
    for (const s of this.#order) out.push([stateKeyBytes(s.key), s.deleted ? null : currentBytes(s)]);
    return out;
  }

  /**
   * netWrites() for StateTree.updatePrepared: the same keys and values, with the tree keys the
   * block's reads already prepared. `keys` are the state keys' bytes (what storage writes), in
   * the same order; PERF: views into one buffer, not one ArrayBuffer per key.
   */
  preparedWrites(): { writes: PreparedWrite[]; keys: Uint8Array[]; values: (Uint8Array | null)[] } {
    invariant(!this.#open, 'preparedWrites with a transaction open');
    const writes: PreparedWrite[] = [];
    const values: (Uint8Array | null)[] = [];
    for (const s of this.#order) {
      const value = s.deleted ? null : currentBytes(s);
      prepare(s);
      writes.push({ key: s, value });
      values.push(value);
    }
    return { writes, keys: keyBytesOf(writes), values };
  }
}

// Fills in the slot's tree key (once).
function prepare(s: Slot): void {
  if (s.path === '') {
    const k = prepareStringKey(s.key);
    s.path = k.path;
    s.bin = k.bin;
  }
}

// The current bytes of a written, not deleted slot, encoding a pending record first.
function currentBytes(s: Slot): Uint8Array {
  if (s.bytes === null) {
    invariant(s.encode !== null, 'written slot without bytes or record');
    s.bytes = s.encode(s.value);
    s.encode = null;
  }
  return s.bytes;
}

// Each prepared key's bytes (its binary string) as a view into one shared buffer.
function keyBytesOf(writes: readonly PreparedWrite[]): Uint8Array[] {
  let total = 0;
  for (const w of writes) total += w.key.bin.length;
  const buf = new Uint8Array(total);
  const out: Uint8Array[] = [];
  let off = 0;
  for (const w of writes) {
    const bin = w.key.bin;
    for (let i = 0; i < bin.length; i++) buf[off + i] = bin.charCodeAt(i);
    out.push(buf.subarray(off, off + bin.length));
    off += bin.length;
  }
  return out;
}

/**
 * One transaction over a BlockOverlay (BlockOverlay.child): reads and writes go to the block;
 * commit() keeps them, discard() undoes them. Exactly one of the two must be called.
 */
export class TxOverlay implements Overlay {
  readonly #block: BlockOverlay;

  constructor(block: BlockOverlay) {
    this.#block = block;
  }

  get(key: string): Uint8Array | undefined {
    return this.#block.get(key);
  }

  put(key: string, value: Uint8Array): void {
    this.#block.put(key, value);
  }

  delete(key: string): void {
    this.#block.delete(key);
  }

  getRecord<T>(key: string, decode: RecordDecoder<T>): T | undefined {
    return this.#block.getRecord(key, decode);
  }

  putRecord<T>(key: string, value: T, encode: (v: T) => Uint8Array, decode: RecordDecoder<T>): void {
    this.#block.putRecord(key, value, encode, decode);
  }

  /** Keeps this transaction's writes in the block. */
  commit(): void {
    this.#block.commitTx();
  }

  /** Undoes this transaction's writes. */
  discard(): void {
    this.#block.rollbackTx();
  }
}

/** State keys are UTF-8 strings; this is the inverse of the encoding used in the tree. */
export function stateKeyToString(key: Uint8Array): string {
  return fromUtf8(key);
}
