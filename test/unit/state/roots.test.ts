import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { merkleProof, merkleRoot, verifyMerkleProof } from '../../../src/crypto/merkle.js';
import { sha256Parts } from '../../../src/crypto/hash.js';

// The executor commits to merkleRoot over tx hashes and receipts; the API serves inclusion
// proofs built on the byte path (merkleLeaf / node hashes with sha256Parts). merkleRoot's fast
// path must agree with it for every size, or no receipt could ever be proven.

function referenceRoot(items: readonly Uint8Array[]): Uint8Array {
  const leaf = (d: Uint8Array) => sha256Parts(Uint8Array.of(0), d);
  const rec = (lo: number, hi: number): Uint8Array => {
    if (hi - lo === 1) return leaf(items[lo] as Uint8Array);
    let k = 1;
    while (k * 2 < hi - lo) k *= 2;
    return sha256Parts(Uint8Array.of(1), rec(lo, lo + k), rec(lo + k, hi));
  };
  return rec(0, items.length);
}

describe('block roots', () => {
  it('merkleRoot equals the recursive RFC 6962 definition and verifies every inclusion proof', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ minLength: 0, maxLength: 40 }), { minLength: 1, maxLength: 40 }), fc.nat(), (items, pick) => {
      const root = merkleRoot(items);
      expect(root).toEqual(referenceRoot(items));
      const i = pick % items.length;
      expect(verifyMerkleProof(root, items[i] as Uint8Array, merkleProof(items, i))).toBe(true);
    }), { numRuns: 1000 });
  });

  it('merkleRoot agrees for items of any length, including ones longer than its scratch array', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ minLength: 0, maxLength: 600 }), { minLength: 1, maxLength: 9 }), (items) => {
      expect(merkleRoot(items)).toEqual(referenceRoot(items));
    }), { numRuns: 300 });
  });
});
