import { BLOCK_LIMITS, pack, readArray, receiptFromTuple, receiptTuple, unpackTrusted } from '../codec/index.js';
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

/** All receipts of one block as one packed array of receipt tuples. */
export function encodeBlockReceipts(receipts: readonly TxReceipt[]): Uint8Array {
  return pack(receipts.map(receiptTuple));
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

