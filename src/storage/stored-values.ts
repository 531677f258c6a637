import { BLOCK_LIMITS, encodeReceipt, readArray, receiptFromTuple, unpackTrusted } from '../codec/index.js';
import type { Hash, Height } from '../types/primitives.js';
import type { TxReceipt } from '../types/tx.js';
import { concatBytes, fromUtf8, readU64be, u64be, utf8 } from '../util/bytes.js';

// Value formats of the small fixed-layout entries in prefixes.ts. Decoders return null for a
// malformed value; callers turn that into a StorageError naming what was damaged.

/** The latest committed block. */
export interface HeadPointer {
  readonly height: Height;
  readonly hash: Hash;
}

/** Where a transaction sits. */
export interface TxLocation {
  readonly height: Height;
  readonly index: number;
}

/** What makes a data directory belong to one chain. */
export interface ChainIdentity {
  readonly genesisHash: Hash;
  readonly chainId: string;
}

/** head value: u64be(height) ‖ hash(32). */
export function encodeHead(h: HeadPointer): Uint8Array {
  return concatBytes(u64be(h.height), h.hash);
}

/** Inverse of encodeHead. */
export function decodeHead(b: Uint8Array): HeadPointer | null {
  if (b.length !== 40) return null;
  const height = readU64be(b, 0);
  if (!Number.isSafeInteger(height) || height < 1) return null;
  return { height, hash: b.slice(8) };
}

/** tx location value: u64be(height) ‖ u32be(index). */
export function encodeTxLocation(l: TxLocation): Uint8Array {
  const out = new Uint8Array(12);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, Math.floor(l.height / 0x1_0000_0000));
  dv.setUint32(4, l.height >>> 0);
  dv.setUint32(8, l.index);
  return out;
}

/** Length of encodeTxLocation's value. */
export const TX_LOCATION_BYTES = 12;

/** Writes encodeTxLocation({height, index}) into `out` at `at`. */
export function writeTxLocation(out: Uint8Array, at: number, height: Height, index: number): void {
  const hi = Math.floor(height / 0x1_0000_0000);
  const lo = height >>> 0;
  out[at] = hi >>> 24;
  out[at + 1] = (hi >>> 16) & 0xff;
  out[at + 2] = (hi >>> 8) & 0xff;
  out[at + 3] = hi & 0xff;
  out[at + 4] = lo >>> 24;
  out[at + 5] = (lo >>> 16) & 0xff;
  out[at + 6] = (lo >>> 8) & 0xff;
  out[at + 7] = lo & 0xff;
  out[at + 8] = index >>> 24;
  out[at + 9] = (index >>> 16) & 0xff;
  out[at + 10] = (index >>> 8) & 0xff;
  out[at + 11] = index & 0xff;
}

/**
 * Many small values written into one buffer and handed out as views of it (BlockStore builds
 * a block's small keys and values this way; block-store.ts says why).
 */
export class PackedBytes {
  /** The buffer the values are written into. */
  readonly bytes: Uint8Array;
  #off = 0;

  constructor(totalBytes: number) {
    this.bytes = new Uint8Array(totalBytes);
  }

  /** Reserves the next `len` bytes; returns their offset in `bytes`. */
  reserve(len: number): number {
    const at = this.#off;
    this.#off = at + len;
    return at;
  }

  /** The view of `len` bytes at `at`. */
  view(at: number, len: number): Uint8Array {
    return this.bytes.subarray(at, at + len);
  }
}

/** Inverse of encodeTxLocation. */
export function decodeTxLocation(b: Uint8Array): TxLocation | null {
  if (b.length !== 12) return null;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const height = Number(dv.getBigUint64(0));
  if (!Number.isSafeInteger(height) || height < 1) return null;
  return { height, index: dv.getUint32(8) };
}

/** u64be height, the value of the block-hash index. */
export function encodeHeight(height: Height): Uint8Array {
  return u64be(height);
}

/** Inverse of encodeHeight. */
export function decodeHeight(b: Uint8Array): Height | null {
  if (b.length !== 8) return null;
  const h = readU64be(b, 0);
  return Number.isSafeInteger(h) && h >= 1 ? h : null;
}

/**
 * All receipts of one block as one packed array of receipt tuples. PERF: a MessagePack array
 * is its header followed by its elements' encodings, so the bytes of pack(receipts.map(
 * receiptTuple)) are built from encodeReceipt (whose common case writes its 38 bytes
 * directly) without packing the whole array again (test/unit/storage/stored-values.test.ts
 * compares them).
 */
export function encodeBlockReceipts(receipts: readonly TxReceipt[]): Uint8Array {
  const n = receipts.length;
  const parts = receipts.map(encodeReceipt);
  const head = n < 16 ? 1 : n < 0x1_0000 ? 3 : 5;
  let len = head;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  if (head === 1) out[0] = 0x90 | n;
  else if (head === 3) {
    out[0] = 0xdc;
    out[1] = n >>> 8;
    out[2] = n & 0xff;
  } else {
    out[0] = 0xdd;
    out[1] = n >>> 24;
    out[2] = (n >>> 16) & 0xff;
    out[3] = (n >>> 8) & 0xff;
    out[4] = n & 0xff;
  }
  let at = head;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Inverse of encodeBlockReceipts; throws DecodeError on damage. */
export function decodeBlockReceipts(b: Uint8Array): TxReceipt[] {
  return readArray(unpackTrusted(b), 'receipts', BLOCK_LIMITS.maxTxs).map(receiptFromTuple);
}

/** chain identity value: genesisHash(32) ‖ utf8(chainId). */
export function encodeChainIdentity(c: ChainIdentity): Uint8Array {
  return concatBytes(c.genesisHash, utf8(c.chainId));
}

/** Inverse of encodeChainIdentity. */
export function decodeChainIdentity(b: Uint8Array): ChainIdentity | null {
  if (b.length < 33) return null;
  return { genesisHash: b.slice(0, 32), chainId: fromUtf8(b.subarray(32)) };
}

/** schema value: u32be(version). */
export function encodeSchemaVersion(v: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, v);
  return out;
}

/** Inverse of encodeSchemaVersion. */
export function decodeSchemaVersion(b: Uint8Array): number | null {
  return b.length === 4 ? new DataView(b.buffer, b.byteOffset, 4).getUint32(0) : null;
}

