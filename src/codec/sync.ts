import type { CommittedBlock } from '../types/block.js';
import { encodeCommittedBlock, decodeCommittedBlock } from './block.js';
import { pack, unpackCanonical } from './msgpack.js';
import { badField, readArray, readBytes, readInt, readTuple } from './read.js';

/** Block-sync messages (channel 'sync'). */
export type SyncMessage =
  /** Ask for committed blocks [from, from+limit). */
  | { readonly kind: 'getBlocks'; readonly from: number; readonly limit: number }
  /** Committed blocks in height order (possibly fewer than asked; empty if none). */
  | { readonly kind: 'blocks'; readonly blocks: readonly CommittedBlock[] }
  /** Ask for the peer's committed head height. */
  | { readonly kind: 'getHead' }
  /** The peer's committed head height. */
  | { readonly kind: 'head'; readonly height: number };

/** Upper bound on blocks per response: keeps a response well under the transport's message limit. */
export const SYNC_MAX_BLOCKS = 64;

/** Encodes a sync message: [tag, ...fields]. */
export function encodeSyncMessage(m: SyncMessage): Uint8Array {
  switch (m.kind) {
    case 'getBlocks':
      return pack([0, m.from, m.limit]);
    case 'blocks':
      return pack([1, m.blocks.map(encodeCommittedBlock)]);
    case 'getHead':
      return pack([2]);
    case 'head':
      return pack([3, m.height]);
  }
}

/**
 * The bytes of a 'blocks' message from blocks already encoded with encodeCommittedBlock
 * (equal to encodeSyncMessage of those blocks): the server measures each block to pack a
 * response under the channel's message limit, and encodes it only once.
 */
export function encodeSyncBlocks(encoded: readonly Uint8Array[]): Uint8Array {
  return pack([1, encoded]);
}

/** Decodes a sync message from a peer; throws DecodeError on anything else. */
export function decodeSyncMessage(bytes: Uint8Array): SyncMessage {
  const v = unpackCanonical(bytes);
  const arr = readArray(v, 'sync', 3);
  const tag = readInt(arr[0], 'sync.tag', 0, 3);
  switch (tag) {
    case 0: {
      const t = readTuple(v, 'sync.getBlocks', 3);
      return { kind: 'getBlocks', from: readInt(t[1], 'from', 1), limit: readInt(t[2], 'limit', 1, SYNC_MAX_BLOCKS) };
    }
    case 1: {
      const t = readTuple(v, 'sync.blocks', 2);
      const blocks = readArray(t[1], 'blocks', SYNC_MAX_BLOCKS).map((b) => decodeCommittedBlock(readBytes(b, 'block', null)));
      return { kind: 'blocks', blocks };
    }
    case 2:
      readTuple(v, 'sync.getHead', 1);
      return { kind: 'getHead' };
    case 3: {
      const t = readTuple(v, 'sync.head', 2);
      return { kind: 'head', height: readInt(t[1], 'height') };
    }
    default:
      return badField('sync.tag', 'unknown tag');
  }
}
