import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { ZERO_HASH } from '../../../src/crypto/hash.js';
import { merkleLeaf, merkleProof, merkleRoot, verifyMerkleProof, type MerkleProof } from '../../../src/crypto/merkle.js';
import { bytesEqual, concatBytes, toHex } from '../../../src/util/bytes.js';

// merkle.ts builds RFC 6962 trees bottom-up; this file holds the RFC's own recursive
// definition (section 2.1) and its audit-path verifier (RFC 9162 section 2.1.3.2), written
// independently on @noble/hashes, and checks the two agree.

const h = (...parts: Uint8Array[]): Uint8Array => nobleSha256(concatBytes(...parts));

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k << 1 < n) k <<= 1;
  return k;
}

/** MTH(D[n]) of RFC 6962 2.1; the empty tree is ZERO_HASH by project convention (RFC: SHA-256 of ""). */
function referenceRoot(d: readonly Uint8Array[]): Uint8Array {
  if (d.length === 0) return ZERO_HASH;
  if (d.length === 1) return h(Uint8Array.of(0), d[0] as Uint8Array);
  const k = largestPowerOfTwoBelow(d.length);
  return h(Uint8Array.of(1), referenceRoot(d.slice(0, k)), referenceRoot(d.slice(k)));
}

/** RFC 9162 2.1.3.2: verify an inclusion proof (audit path) for leaf_index in tree_size. */
function referenceVerify(root: Uint8Array, item: Uint8Array, index: number, size: number, path: readonly Uint8Array[]): boolean {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = h(Uint8Array.of(0), item);
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = h(Uint8Array.of(1), p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn >>= 1; sn >>= 1; }
    } else {
      r = h(Uint8Array.of(1), r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && bytesEqual(r, root);
}

/** Deterministic items: item i of a tree is sha256 of (seed, i), truncated to vary lengths. */
function items(n: number, seed = 0): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => h(Uint8Array.of(seed, i & 0xff, i >> 8)).subarray(0, 1 + ((i * 7 + seed) % 32)));
}

/** Left/right choices from the root down: a proof's shape. Equal shapes mean the same verification. */
function shape(index: number, size: number): string {
  let out = '';
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = largestPowerOfTwoBelow(hi - lo);
    if (index < lo + k) { out += 'L'; hi = lo + k; } else { out += 'R'; lo += k; }
  }
  return out;
}

describe('merkleRoot', () => {
  it('matches the recursive RFC 6962 definition for sizes 0..100', () => {
    for (let n = 0; n <= 100; n++) {
      for (const seed of [0, 1]) expect(toHex(merkleRoot(items(n, seed))), `size ${n}`).toBe(toHex(referenceRoot(items(n, seed))));
    }
  });

  it('leaves and nodes are domain-separated: a node cannot pose as a leaf', () => {
    const two = items(2);
    const node = concatBytes(merkleLeaf(two[0] as Uint8Array), merkleLeaf(two[1] as Uint8Array));
    expect(toHex(merkleRoot([node]))).not.toBe(toHex(merkleRoot(two)));
  });
});

describe('merkleProof / verifyMerkleProof', () => {
  it('every proof of every index verifies for sizes 1..64, and under the RFC 9162 verifier', () => {
    for (let n = 1; n <= 64; n++) {
      const d = items(n);
      const root = merkleRoot(d);
      for (let i = 0; i < n; i++) {
        const p = merkleProof(d, i);
        expect(verifyMerkleProof(root, d[i] as Uint8Array, p), `size ${n} index ${i}`).toBe(true);
        expect(referenceVerify(root, d[i] as Uint8Array, i, n, p.siblings), `RFC 9162, size ${n} index ${i}`).toBe(true);
      }
    }
  });

  it('any tampered sibling, item or index fails, for sizes 1..64', () => {
    for (let n = 1; n <= 64; n++) {
      const d = items(n);
      const root = merkleRoot(d);
      for (let i = 0; i < n; i++) {
        const p = merkleProof(d, i);
        const item = d[i] as Uint8Array;
        p.siblings.forEach((_s, j) => {
          const siblings = p.siblings.map((s, k) => (k === j ? Uint8Array.from(s, (b, x) => (x === (i + j) % 32 ? b ^ 1 : b)) : s));
          expect(verifyMerkleProof(root, item, { ...p, siblings }), `size ${n} index ${i} sibling ${j}`).toBe(false);
        });
        expect(verifyMerkleProof(root, Uint8Array.from(item, (b, x) => (x === 0 ? b ^ 0x80 : b)), p)).toBe(false);
        expect(verifyMerkleProof(root, concatBytes(item, Uint8Array.of(0)), p)).toBe(false);
        for (let j = 0; j < n; j++) {
          if (j !== i) expect(verifyMerkleProof(root, item, { ...p, index: j }), `size ${n} index ${i} as ${j}`).toBe(false);
        }
        if (p.siblings.length > 0) expect(verifyMerkleProof(root, item, { ...p, siblings: p.siblings.slice(1) })).toBe(false);
        expect(verifyMerkleProof(root, item, { ...p, siblings: [...p.siblings, root] })).toBe(false);
      }
    }
  });

  it('a tampered size fails whenever it changes the proof shape', () => {
    for (let n = 1; n <= 64; n++) {
      const d = items(n);
      const root = merkleRoot(d);
      for (let i = 0; i < n; i++) {
        const p = merkleProof(d, i);
        for (let m = 1; m <= 70; m++) {
          if (m === n || shape(i, m) === shape(i, n)) continue;
          expect(verifyMerkleProof(root, d[i] as Uint8Array, { ...p, size: m }), `size ${n} claimed ${m} index ${i}`).toBe(false);
        }
      }
    }
  });

  it('RFC 6962 roots do not commit to the size: a same-shape size verifies (size must come from elsewhere)', () => {
    // Index 0 of 5 and of 8 both sit three lefts down; the RFC 9162 verifier accepts too.
    const d = items(5);
    const p: MerkleProof = merkleProof(d, 0);
    expect(verifyMerkleProof(merkleRoot(d), d[0] as Uint8Array, { ...p, size: 8 })).toBe(true);
    expect(referenceVerify(merkleRoot(d), d[0] as Uint8Array, 0, 8, p.siblings)).toBe(true);
  });

  it('malformed proofs are false, not exceptions', () => {
    const d = items(4);
    const root = merkleRoot(d);
    const p = merkleProof(d, 1);
    for (const bad of [{ index: -1 }, { index: 1.5 }, { index: 4 }, { size: 0 }, { size: Number.NaN }, { size: 2 ** 60 }]) {
      expect(verifyMerkleProof(root, d[1] as Uint8Array, { ...p, ...bad }), JSON.stringify(bad)).toBe(false);
    }
    expect(() => merkleProof(d, 4)).toThrow(RangeError);
    expect(() => merkleProof([], 0)).toThrow(RangeError);
  });
});
