import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/codec/index.js';
import {
  decodeStateProof, encodeStateProof, sha256, sha256Parts, type StateProof, stateProofFromJson, stateProofToJson, StateTree, verifyStateProof, ZERO_HASH,
} from '../../../src/crypto/index.js';
import { bytesEqual, concatBytes, toHex, utf8 } from '../../../src/util/bytes.js';

const KEYS = Array.from({ length: 40 }, (_, i) => utf8(`k${i}`));
const treeArb = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...KEYS), fc.uint8Array({ maxLength: 5 })), fc.uint8Array({ maxLength: 10 })), { maxLength: 30 })
  .map((entries) => StateTree.fromEntries(entries));
const queryArb = fc.oneof(fc.constantFrom(...KEYS), fc.uint8Array({ maxLength: 5 }));

function flip(b: Uint8Array, bit: number): Uint8Array {
  const out = new Uint8Array(b);
  const i = bit % (out.length * 8);
  out[i >> 3] = (out[i >> 3] as number) ^ (0x80 >> (i & 7));
  return out;
}

/** Every tampering of `p` that makes a false claim (or a non-canonical proof) under `root`. */
function tamperings(root: Uint8Array, p: StateProof): [string, Uint8Array, StateProof][] {
  const out: [string, Uint8Array, StateProof][] = [];
  p.siblings.forEach((s, i) => {
    const siblings = [...p.siblings];
    siblings[i] = flip(s, i * 37 + 5);
    out.push([`flip sibling ${i}`, root, { ...p, siblings }]);
  });
  out.push(['wrong root', flip(root, 77), p]);
  if (!bytesEqual(root, ZERO_HASH)) out.push(['zero root', ZERO_HASH, p]);
  out.push(['extra zero sibling', root, { ...p, siblings: [...p.siblings, new Uint8Array(32)] }]);
  out.push(['extra sibling', root, { ...p, siblings: [...p.siblings, root] }]);
  if (p.siblings.length > 0) out.push(['dropped sibling', root, { ...p, siblings: p.siblings.slice(0, -1) }]);
  if (p.value !== null) {
    out.push(['claim absent', root, { ...p, value: null }]);
    out.push(['membership with an other leaf', root, { ...p, otherLeaf: { path: flip(sha256(p.key), 255), valueHash: root } }]);
    out.push(['appended value byte', root, { ...p, value: concatBytes(p.value, Uint8Array.of(0)) }]);
    if (p.value.length > 0) out.push(['flipped value bit', root, { ...p, value: flip(p.value, 3) }]);
    if (p.key.length > 0) out.push(['flipped key bit', root, { ...p, key: flip(p.key, 11) }]);
    out.push(['appended key byte', root, { ...p, key: concatBytes(p.key, Uint8Array.of(1)) }]);
  } else {
    out.push(['claim present', root, { ...p, value: utf8('x'), otherLeaf: null }]);
    out.push(['claim present, empty value', root, { ...p, value: new Uint8Array(0), otherLeaf: null }]);
    out.push(['claim present, keep leaf', root, { ...p, value: utf8('x') }]);
    if (p.otherLeaf !== null) {
      const o = p.otherLeaf;
      out.push(['other leaf dropped', root, { ...p, otherLeaf: null }]);
      out.push(['other path flipped', root, { ...p, otherLeaf: { ...o, path: flip(o.path, 200) } }]);
      out.push(['other value hash flipped', root, { ...p, otherLeaf: { ...o, valueHash: flip(o.valueHash, 9) } }]);
      out.push(['other leaf is the key itself', root, { ...p, otherLeaf: { ...o, path: sha256(p.key) } }]);
    }
  }
  return out;
}

const proofJson = (p: StateProof): string => JSON.stringify(stateProofToJson(p));

describe('state proofs', () => {
  it('every membership and non-membership proof verifies and states the true value', () => {
    fc.assert(
      fc.property(treeArb, fc.array(queryArb, { maxLength: 20 }), (tree, queries) => {
        for (const key of [...queries, ...[...tree.entries()].map(([k]) => k)]) {
          const p = tree.prove(key);
          const want = tree.get(key);
          expect(p.value === null ? undefined : toHex(p.value), 'proof value = get').toBe(want === undefined ? undefined : toHex(want));
          expect(bytesEqual(p.key, key)).toBe(true);
          expect(verifyStateProof(tree.root, p), `verify ${toHex(key)}`).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('both kinds of non-membership occur: an empty slot and a slot holding another leaf', () => {
    const tree = StateTree.fromEntries(KEYS.map((k) => [k, k]));
    const kinds = { empty: 0, other: 0 };
    for (let i = 0; i < 200; i++) {
      const p = tree.prove(utf8(`absent-${i}`));
      expect(p.value).toBeNull();
      expect(verifyStateProof(tree.root, p)).toBe(true);
      if (p.otherLeaf === null) kinds.empty++;
      else kinds.other++;
    }
    expect(kinds.empty).toBeGreaterThan(0);
    expect(kinds.other).toBeGreaterThan(0);
    const p = StateTree.empty().prove(utf8('any'));
    expect(p).toEqual({ key: utf8('any'), value: null, siblings: [], otherLeaf: null });
    expect(verifyStateProof(ZERO_HASH, p)).toBe(true);
  });

  it('any tampered proof fails', () => {
    fc.assert(
      fc.property(treeArb, queryArb, (tree, key) => {
        const p = tree.prove(key);
        for (const [what, root, bad] of tamperings(tree.root, p)) {
          expect(verifyStateProof(root, bad), what).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is sound: whenever a changed key still verifies, the claim is true in the tree', () => {
    // An absent key's proof also proves absence of other keys ending in the same empty slot;
    // that is a true statement, so only soundness can be asked of key changes there.
    fc.assert(
      fc.property(treeArb, queryArb, fc.uint8Array({ maxLength: 5 }), (tree, key, other) => {
        const p = { ...tree.prove(key), key: other };
        if (verifyStateProof(tree.root, p)) {
          expect(p.value === null ? tree.get(other) : p.value, 'claim holds').toEqual(p.value === null ? undefined : tree.get(other));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a non-membership proof is refused when the other leaf is not in the key\'s slot', () => {
    // A root crafted to match such a proof: no honest tree has one, the prefix check refuses it.
    const key = utf8('k');
    const path = sha256(key);
    const otherLeaf = { path: flip(path, 0), valueHash: new Uint8Array(32) };
    const sibling = sha256(utf8('s'));
    const leafHash = sha256Parts(Uint8Array.of(0), otherLeaf.path, otherLeaf.valueHash);
    const root = ((path[0] as number) & 0x80) !== 0
      ? sha256Parts(Uint8Array.of(1), sibling, leafHash)
      : sha256Parts(Uint8Array.of(1), leafHash, sibling);
    expect(verifyStateProof(root, { key, value: null, siblings: [sibling], otherLeaf })).toBe(false);
    // The same shape with the leaf in the right half is accepted (so the refusal above is the prefix check).
    const inSlot = { path: flip(path, 9), valueHash: new Uint8Array(32) };
    const inSlotHash = sha256Parts(Uint8Array.of(0), inSlot.path, inSlot.valueHash);
    const root2 = ((path[0] as number) & 0x80) !== 0
      ? sha256Parts(Uint8Array.of(1), sibling, inSlotHash)
      : sha256Parts(Uint8Array.of(1), inSlotHash, sibling);
    expect(verifyStateProof(root2, { key, value: null, siblings: [sibling], otherLeaf: inSlot })).toBe(true);
  });

  it('a proof against an old version stays valid there after updates', () => {
    const v1 = StateTree.fromEntries(KEYS.map((k) => [k, utf8('v1')]));
    const v2 = v1.update(KEYS.map((k, i) => [k, i % 2 === 0 ? null : utf8('v2')]));
    for (const k of KEYS) {
      expect(verifyStateProof(v1.root, v1.prove(k)), 'old proof, old root').toBe(true);
      expect(verifyStateProof(v2.root, v1.prove(k)), 'old proof, new root').toBe(false);
    }
  });

  it('encode/decode and JSON round trips preserve the proof exactly', () => {
    fc.assert(
      fc.property(treeArb, queryArb, (tree, key) => {
        const p = tree.prove(key);
        const viaBytes = decodeStateProof(encodeStateProof(p));
        const viaJson = stateProofFromJson(JSON.parse(JSON.stringify(stateProofToJson(p))));
        expect(proofJson(viaBytes)).toBe(proofJson(p));
        expect(proofJson(viaJson)).toBe(proofJson(p));
        expect(toHex(encodeStateProof(viaJson))).toBe(toHex(encodeStateProof(p)));
        expect(verifyStateProof(tree.root, viaBytes)).toBe(true);
        expect(verifyStateProof(tree.root, viaJson)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('decodeStateProof(garbage) throws only DecodeError', () => {
    const valid = encodeStateProof(StateTree.fromEntries(KEYS.map((k) => [k, k])).prove(KEYS[3] as Uint8Array));
    const mutated = fc.tuple(fc.nat(), fc.nat(255), fc.nat(valid.length)).chain(([pos, byte, cut]) =>
      fc.constantFrom(
        (() => { const b = new Uint8Array(valid); b[pos % b.length] = byte; return b; })(),
        valid.subarray(0, cut),
        concatBytes(valid, Uint8Array.of(byte)),
      ),
    );
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), mutated), (bytes) => {
        try {
          const p = decodeStateProof(bytes);
          expect(typeof verifyStateProof(ZERO_HASH, p)).toBe('boolean');
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 1000 },
    );
    for (const bad of [new Uint8Array(0), Uint8Array.of(0xc0), Uint8Array.of(0x90)]) {
      expect(() => decodeStateProof(bad)).toThrow(DecodeError);
    }
  });

  it('decodeStateProof rejects wrong shapes, sizes and a membership proof with an other leaf', () => {
    const h = new Uint8Array(32);
    const p: StateProof = { key: utf8('k'), value: utf8('v'), siblings: [h], otherLeaf: null };
    const cases: StateProof[] = [
      { ...p, otherLeaf: { path: h, valueHash: h } },
      { ...p, siblings: [new Uint8Array(31)] },
      { ...p, siblings: Array.from({ length: 257 }, () => h) },
      { ...p, value: null, otherLeaf: { path: new Uint8Array(33), valueHash: h } },
    ];
    for (const c of cases) {
      expect(() => decodeStateProof(encodeStateProof(c))).toThrow(DecodeError);
      expect(() => stateProofFromJson(stateProofToJson(c))).toThrow(DecodeError);
      expect(verifyStateProof(h, c)).toBe(false);
    }
  });

  it('stateProofFromJson(garbage) throws only DecodeError', () => {
    const good = stateProofToJson(StateTree.fromEntries(KEYS.map((k) => [k, k])).prove(utf8('absent')));
    const broken: unknown[] = [
      null, 1, 'x', [], {},
      { ...good, extra: 1 },
      { ...good, key: 5 },
      { ...good, key: 'abc' },
      { ...good, key: 'zz' },
      { ...good, value: 7 },
      { ...good, siblings: 'ab' },
      { ...good, siblings: ['00'] },
      { ...good, otherLeaf: { path: good.siblings[0] } },
      { ...good, otherLeaf: [] },
      { key: good.key, value: null, siblings: [] },
    ];
    for (const b of broken) expect(() => stateProofFromJson(b), JSON.stringify(b)).toThrow(DecodeError);
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          stateProofFromJson(v);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
