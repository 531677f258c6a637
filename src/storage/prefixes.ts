import type { KeyRange } from '../types/edges.js';
import type { Hash, Height } from '../types/primitives.js';
import { concatBytes, u64be, utf8 } from '../util/bytes.js';
import { invariant } from '../util/errors.js';

/**
 * THE table of key prefixes: the first byte of every key in the database (lodestar `Bucket`).
 * Each entry says `key → value`. A prefix is never renumbered or reused: retire one by
 * turning its line into a comment. Integers in keys are big-endian so byte order is numeric
 * order.
 */
export const PREFIX = {
  /** meta ‖ utf8(name) → value. Names: META_CHAIN → genesisHash(32) ‖ utf8(chainId); META_SCHEMA → u32be version. */
  meta: 0x01,
  /** head (single key) → u64be(height) ‖ blockHash(32): the latest committed block. */
  head: 0x02,
  /** block ‖ u64be(height) → encodeCommittedBlock bytes. */
  blockByHeight: 0x03,
  /** blockHash ‖ hash(32) → u64be(height). */
  heightByBlockHash: 0x04,
  /** tx ‖ txHash(32) → u64be(height) ‖ u32be(index in block). */
  txLocation: 0x05,
  /** receipts ‖ u64be(height) → all receipts of the block, one packed array (stored-values.ts). */
  receiptsByHeight: 0x06,
  /** state ‖ stateKey → value: the executor's world state, replayed at start to rebuild the state tree. */
  state: 0x07,
  /** history ‖ keyPart(subject) ‖ u64be(height) ‖ u32be(index) → event bytes (contracts define both). */
  history: 0x08,
  /** index ‖ keyPart(name) ‖ keyPart(part)… → empty or a small value (secondary indexes, e.g. invoices by holder). */
  index: 0x09,
  /** safety (single key) → SafetyState bytes (consensus owns the encoding). */
  safety: 0x0a,
  /** members ‖ u64be(epoch) → member set bytes in force from that epoch (governance owns the encoding). */
  membersByEpoch: 0x0b,
} as const;

/** One of the PREFIX values. */
export type Prefix = (typeof PREFIX)[keyof typeof PREFIX];

/** Meta entry holding the chain identity. */
export const META_CHAIN = 'chain';
/** Meta entry holding the storage layout version. */
export const META_SCHEMA = 'schema';
/** Layout version written by this code; bump when a prefix's value format changes. */
export const STORAGE_SCHEMA_VERSION = 1;

/** Prefixes that other modules may write through BlockStore.commitBlock's extraOps. */
export const EXTRA_OP_PREFIXES: ReadonlySet<number> = new Set([PREFIX.history, PREFIX.index, PREFIX.membersByEpoch]);

function withPrefix(prefix: Prefix, ...parts: readonly Uint8Array[]): Uint8Array {
  return concatBytes(Uint8Array.of(prefix), ...parts);
}

// PERF: a block writes ~5,000 keys; these two builders avoid concatBytes' rest arguments and
// BigInt (u64be), which together cost ~4 ms per 1,000-tx block.
function prefixed(prefix: Prefix, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length + 1);
  out[0] = prefix;
  out.set(bytes, 1);
  return out;
}

function prefixedU64(prefix: Prefix, n: number): Uint8Array {
  invariant(Number.isSafeInteger(n) && n >= 0, `u64 key out of range: ${n}`);
  const out = new Uint8Array(9);
  out[0] = prefix;
  const dv = new DataView(out.buffer);
  dv.setUint32(1, Math.floor(n / 0x1_0000_0000));
  dv.setUint32(5, n >>> 0);
  return out;
}

function u32be(n: number): Uint8Array {
  invariant(Number.isInteger(n) && n >= 0 && n <= 0xffff_ffff, `u32 out of range: ${n}`);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

/**
 * Order-preserving, prefix-free encoding of one variable-length key component (after the
 * FoundationDB tuple layer): 0x00 becomes 0x00 0xff and the part ends with 0x00 0x01. A
 * terminator can appear only at the end, so no encoded part is a prefix of another ("INV-1"
 * never range-matches "INV-10" or "INV-1\0"), and parts still sort byte-wise.
 */
export function encodeKeyPart(part: Uint8Array | string): Uint8Array {
  const bytes = typeof part === 'string' ? utf8(part) : part;
  let zeros = 0;
  for (const b of bytes) if (b === 0) zeros++;
  const out = new Uint8Array(bytes.length + zeros + 2);
  let o = 0;
  for (const b of bytes) {
    out[o++] = b;
    if (b === 0) out[o++] = 0xff;
  }
  out[o] = 0x00;
  out[o + 1] = 0x01;
  return out;
}

/** Meta key for `name`. */
export function metaKey(name: string): Uint8Array {
  return prefixed(PREFIX.meta, utf8(name));
}

/** The head pointer key. */
export const HEAD_KEY: Uint8Array = Uint8Array.of(PREFIX.head);

/** The safety state key. */
export const SAFETY_KEY: Uint8Array = Uint8Array.of(PREFIX.safety);

/** Key of the committed block at `height`. */
export function blockKey(height: Height): Uint8Array {
  return prefixedU64(PREFIX.blockByHeight, height);
}

/** Key of the block-hash → height index. */
export function blockHashKey(hash: Hash): Uint8Array {
  return prefixed(PREFIX.heightByBlockHash, hash);
}

/** Key of the tx-hash → location index. */
export function txLocationKey(hash: Hash): Uint8Array {
  return prefixed(PREFIX.txLocation, hash);
}

/** Length of txLocationKey of a 32-byte hash. */
export const TX_LOCATION_KEY_BYTES = 33;

/** Writes txLocationKey(hash) (a 32-byte hash) into `out` at `at`. */
export function writeTxLocationKey(out: Uint8Array, at: number, hash: Hash): void {
  out[at] = PREFIX.txLocation;
  out.set(hash, at + 1);
}

/** Key of the receipts of the block at `height`. */
export function receiptsKey(height: Height): Uint8Array {
  return prefixedU64(PREFIX.receiptsByHeight, height);
}

/** Key of a world-state entry (the executor's raw state key, prefixed). */
export function stateKey(raw: Uint8Array): Uint8Array {
  return prefixed(PREFIX.state, raw);
}

/** How much longer stateKey(raw) is than raw. */
export const STATE_KEY_PREFIX_BYTES = 1;

/** Writes stateKey(raw) into `out` at `at`. */
export function writeStateKey(out: Uint8Array, at: number, raw: Uint8Array): void {
  out[at] = PREFIX.state;
  out.set(raw, at + 1);
}

/** Key of one history event: subject (e.g. utf8('invoice:INV-1')), then block position. */
export function historyKey(subject: Uint8Array | string, height: Height, index: number): Uint8Array {
  return withPrefix(PREFIX.history, encodeKeyPart(subject), u64be(height), u32be(index));
}

/** All history events of `subject`, oldest first. */
export function historyRange(subject: Uint8Array | string): KeyRange {
  return prefixRange(withPrefix(PREFIX.history, encodeKeyPart(subject)));
}

/** Key of a secondary index entry: index name then its parts, each encodeKeyPart'ed. */
export function indexKey(name: string, ...parts: readonly (Uint8Array | string)[]): Uint8Array {
  return withPrefix(PREFIX.index, encodeKeyPart(name), ...parts.map(encodeKeyPart));
}

/** All entries of index `name` whose leading parts equal `parts`. */
export function indexRange(name: string, ...parts: readonly (Uint8Array | string)[]): KeyRange {
  return prefixRange(indexKey(name, ...parts));
}

/** Key of the member set that takes effect at `epoch`. */
export function membersKey(epoch: number): Uint8Array {
  return prefixedU64(PREFIX.membersByEpoch, epoch);
}

/**
 * The range of every key that starts with `prefix`: gte the prefix, lt the prefix with its
 * last non-0xff byte incremented (trailing 0xff bytes dropped); an all-0xff prefix has no
 * upper bound.
 */
export function prefixRange(prefix: Uint8Array): KeyRange {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return { gte: prefix };
  const lt = prefix.slice(0, end);
  lt[end - 1] = (lt[end - 1] as number) + 1;
  return { gte: prefix, lt };
}

/**
 * Inverse of a run of encodeKeyPart: splits `key` from `offset` into its parts (UTF-8
 * strings). Used to read ids back out of index keys.
 */
export function decodeKeyParts(key: Uint8Array, offset: number): string[] {
  const parts: string[] = [];
  let cur: number[] = [];
  for (let i = offset; i < key.length; i++) {
    const b = key[i] as number;
    if (b !== 0) {
      cur.push(b);
      continue;
    }
    const next = key[i + 1];
    i++;
    if (next === 0xff) cur.push(0);
    else {
      parts.push(Buffer.from(cur).toString('utf8'));
      cur = [];
    }
  }
  return parts;
}
