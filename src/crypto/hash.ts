import { createHash } from 'node:crypto';
import type { Hash } from '../types/primitives.js';

// The one entry point for hashing. node:crypto is ~2x faster than @noble/hashes for short
// inputs on this machine (MEASURED.md); test/unit/crypto/hash.test.ts proves they agree.

/** sha256 of one byte array. */
export function sha256(data: Uint8Array): Hash {
  const b = createHash('sha256').update(data).digest();
  return new Uint8Array(b.buffer, b.byteOffset, 32);
}

/** sha256 of the concatenation of parts, without building the concatenation. */
export function sha256Parts(...parts: readonly Uint8Array[]): Hash {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  const b = h.digest();
  return new Uint8Array(b.buffer, b.byteOffset, 32);
}

/** 32 zero bytes: the hash of "nothing" (empty tx list, empty state). */
export const ZERO_HASH: Hash = new Uint8Array(32);
