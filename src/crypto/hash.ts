import type * as NodeCrypto from 'node:crypto';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import type { Hash } from '../types/primitives.js';
import { nodeBuiltin } from '../util/node-builtin.js';

// Under Node the digests below are node:crypto's; in a browser (no node:crypto) they fall back
// to @noble/hashes, which test/unit/crypto/hash.test.ts proves equal.
const nodeCrypto = nodeBuiltin<typeof NodeCrypto>('node:crypto');
const createHash: (alg: 'sha256') => MiniHash = nodeCrypto === null ? nobleCreateHash : (alg) => (nodeCrypto as typeof NodeCrypto).createHash(alg) as unknown as MiniHash;

// The one entry point for hashing. node:crypto is ~2x faster than @noble/hashes for short
// inputs on this machine (docs/measurements.md); test/unit/crypto/hash.test.ts proves they agree.

// crypto.hash (Node >= 20.12) is a one-shot digest without a Hash object: ~1.2 µs against
// ~2.2 µs for createHash on a 260-byte transaction body here.
const oneShotBytes: ((data: Uint8Array) => Buffer) | null =
  typeof nodeCrypto?.hash === 'function' ? (data) => ((nodeCrypto as typeof NodeCrypto).hash as (a: string, d: Uint8Array, e: string) => Buffer)('sha256', data, 'buffer') : null;

/** sha256 of one byte array. */
export function sha256(data: Uint8Array): Hash {
  const b = oneShotBytes !== null ? oneShotBytes(data) : createHash('sha256').update(data).digest();
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

// The same one-shot digest, ~2x the rate of createHash for 65-byte inputs here. Its 'binary'
// (latin1) output is a 32-char one-byte string, one char per byte, which V8 stores in ~48 bytes against ~130-250 for a 32-byte Uint8Array.
const oneShot: ((data: Uint8Array) => string) | null =
  typeof nodeCrypto?.hash === 'function' ? (data) => (nodeCrypto as typeof NodeCrypto).hash('sha256', data, 'binary') : null;

/**
 * sha256 of `data` as a binary string: 32 chars, char i = byte i (latin1). The compact in-memory
 * form the state tree keeps its hashes and paths in; Buffer.from(s, 'latin1') gives the bytes.
 */
export function sha256Binary(data: Uint8Array): string {
  return oneShot !== null ? oneShot(data) : createHash('sha256').update(data).digest('binary');
}

/**
 * sha256Binary of the bytes of an ASCII string (every char < 0x80), without making them: the
 * one-shot hash encodes a string as UTF-8, which for ASCII is one byte per char. For other
 * strings the result is the hash of their UTF-8 bytes, which callers must not rely on.
 * test/unit/crypto/hash.test.ts checks it against @noble/hashes.
 */
export function sha256BinaryOfAscii(s: string): string {
  return oneShotString !== null ? oneShotString(s) : createHash('sha256').update(s, 'latin1').digest('binary');
}

const oneShotString: ((s: string) => string) | null =
  typeof nodeCrypto?.hash === 'function' ? (s) => (nodeCrypto as typeof NodeCrypto).hash('sha256', s, 'binary') : null;

// The subset of node:crypto's Hash used here; over @noble/hashes for runtimes without node:crypto.
interface MiniHash {
  update(data: Uint8Array | string, enc?: 'latin1'): MiniHash;
  digest(): Uint8Array;
  digest(enc: 'binary'): string;
}

function nobleCreateHash(): MiniHash {
  const parts: Uint8Array[] = [];
  const h: MiniHash = {
    update(d: Uint8Array | string): MiniHash {
      parts.push(typeof d === 'string' ? Uint8Array.from(d, (c) => c.charCodeAt(0) & 0xff) : d.slice());
      return h;
    },
    digest(enc?: 'binary'): never {
      const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) {
        all.set(p, o);
        o += p.length;
      }
      const out = nobleSha256(all);
      return (enc === 'binary' ? String.fromCharCode(...out) : out) as never;
    },
  };
  return h;
}
