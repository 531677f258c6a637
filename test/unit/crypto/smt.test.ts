import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Binary, StateTree, ZERO_HASH } from '../../../src/crypto/index.js';
import { prepareKey, prepareStringKey } from '../../../src/crypto/smt.js';
import { sortByPath } from '../../../src/crypto/smt-build.js';
import { bytesEqual, concatBytes, toHex, utf8 } from '../../../src/util/bytes.js';

// An independent reference: the root defined recursively over full 256-bit paths with
// @noble/hashes, no sorting, no compaction bookkeeping, no node objects. A set of one leaf is
// that leaf's hash (the leaf sits where its prefix becomes unique), an empty set is zero.
function referenceRoot(model: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const leaves = [...model].map(([keyHex, value]) => ({ path: nobleSha256(Buffer.from(keyHex, 'hex')), value }));
  const bit = (p: Uint8Array, d: number): number => ((p[d >> 3] as number) >> (7 - (d & 7))) & 1;
  const rec = (set: typeof leaves, depth: number): Uint8Array => {
    if (set.length === 0) return new Uint8Array(32);
    if (set.length === 1) {
      const only = set[0] as (typeof leaves)[number];
      return nobleSha256(concatBytes(Uint8Array.of(0), only.path, nobleSha256(only.value)));
    }
    if (depth === 256) throw new Error('duplicate paths in reference');
    const left = rec(set.filter((l) => bit(l.path, depth) === 0), depth + 1);
    const right = rec(set.filter((l) => bit(l.path, depth) === 1), depth + 1);
    return nobleSha256(concatBytes(Uint8Array.of(1), left, right));
  };
  return rec(leaves, 0);
}

type Write = readonly [Uint8Array, Uint8Array | null];

// A small key pool so that batches overwrite and delete keys that exist.
const KEYS = Array.from({ length: 24 }, (_, i) => utf8(`key-${i}`));
const keyArb = fc.oneof(fc.constantFrom(...KEYS), fc.uint8Array({ maxLength: 6 }));
const valueArb = fc.uint8Array({ maxLength: 12 });
const writeArb: fc.Arbitrary<Write> = fc.tuple(keyArb, fc.option(valueArb, { nil: null, freq: 3 }));
const batchesArb = fc.array(fc.array(writeArb, { maxLength: 16 }), { minLength: 1, maxLength: 8 });

function applyToModel(model: Map<string, Uint8Array>, batch: readonly Write[]): Map<string, Uint8Array> {
  const next = new Map(model);
  for (const [k, v] of batch) {
    if (v === null) next.delete(toHex(k));
    else next.set(toHex(k), v);
  }
  return next;
}

function modelEntries(model: ReadonlyMap<string, Uint8Array>): [Uint8Array, Uint8Array][] {
  return [...model].map(([k, v]) => [Buffer.from(k, 'hex'), v]);
}

describe('StateTree', () => {
  it('sha256Binary agrees with @noble/hashes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        expect(Buffer.from(sha256Binary(data), 'latin1').equals(Buffer.from(nobleSha256(data)))).toBe(true);
      }),
    );
  });

  it('empty tree has ZERO_HASH root and no entries', () => {
    const t = StateTree.empty();
    expect(bytesEqual(t.root, ZERO_HASH)).toBe(true);
    expect(t.size).toBe(0);
    expect([...t.entries()]).toEqual([]);
    expect(t.get(utf8('a'))).toBeUndefined();
    expect(bytesEqual(t.update([[utf8('a'), null]]).root, ZERO_HASH)).toBe(true);
  });

  it('a one-key tree has the leaf hash as root; deleting it returns to ZERO_HASH', () => {
    const k = utf8('alice');
    const v = utf8('100');
    const t = StateTree.empty().update([[k, v]]);
    const expected = nobleSha256(concatBytes(Uint8Array.of(0), nobleSha256(k), nobleSha256(v)));
    expect(toHex(t.root)).toBe(toHex(expected));
    expect(t.size).toBe(1);
    expect(bytesEqual(t.update([[k, null]]).root, ZERO_HASH)).toBe(true);
  });

  it('an empty value is present, unlike a delete', () => {
    const t = StateTree.empty().update([[utf8('k'), new Uint8Array(0)]]);
    expect(t.size).toBe(1);
    expect(t.get(utf8('k'))).toEqual(new Uint8Array(0));
    expect(toHex(t.root)).not.toBe(toHex(ZERO_HASH));
  });

  it('the later write to one key in a batch wins', () => {
    const k = utf8('k');
    const t = StateTree.empty().update([[k, utf8('1')], [k, null], [k, utf8('2')]]);
    expect(t.get(k)).toEqual(utf8('2'));
    expect(t.size).toBe(1);
    expect(StateTree.empty().update([[k, utf8('1')], [k, null]]).size).toBe(0);
    expect(StateTree.fromEntries([[k, utf8('1')], [k, utf8('3')]]).get(k)).toEqual(utf8('3'));
  });

  it('a batch that changes nothing returns the same version', () => {
    const t = StateTree.fromEntries(KEYS.map((k) => [k, k]));
    expect(t.update([])).toBe(t);
    expect(t.update([[KEYS[0] as Uint8Array, KEYS[0] as Uint8Array], [utf8('absent'), null]])).toBe(t);
  });

  it('stores copies: mutating the caller\'s arrays or returned arrays changes nothing', () => {
    const k = utf8('k');
    const v = utf8('value');
    const t = StateTree.empty().update([[k, v]]);
    const root = toHex(t.root);
    v[0] = 0;
    const got = t.get(k) as Uint8Array;
    got[0] = 0;
    k[0] = 0;
    expect(t.get(utf8('k'))).toEqual(utf8('value'));
    expect(toHex(t.update([]).root)).toBe(root);
    expect(toHex(StateTree.fromEntries(t.entries()).root)).toBe(root);
  });

  it('handles keys whose paths share a long prefix (deep single-child chains)', () => {
    // Find two keys whose sha256 paths agree on the first 20 bits (birthday search, ~4k hashes).
    const seen = new Map<number, Uint8Array>();
    let pair: [Uint8Array, Uint8Array] | null = null;
    for (let i = 0; pair === null; i++) {
      const k = utf8(`deep-${i}`);
      const p = nobleSha256(k);
      const prefix = ((p[0] as number) << 12) | ((p[1] as number) << 4) | ((p[2] as number) >> 4);
      const other = seen.get(prefix);
      if (other !== undefined) pair = [other, k];
      else seen.set(prefix, k);
    }
    const [a, b] = pair;
    const both = StateTree.empty().update([[a, utf8('A')], [b, utf8('B')]]);
    const model = new Map([[toHex(a), utf8('A')], [toHex(b), utf8('B')]]);
    expect(toHex(both.root)).toBe(toHex(referenceRoot(model)));
    expect(both.prove(a).siblings.length).toBeGreaterThan(20);
    // Deleting one lifts the other back to the root.
    const onlyB = both.update([[a, null]]);
    expect(toHex(onlyB.root)).toBe(toHex(StateTree.empty().update([[b, utf8('B')]]).root));
    expect(onlyB.prove(b).siblings.length).toBe(0);
  });

  it('root = fromEntries(final set) = reference; get matches a Map model; old versions unchanged', () => {
    fc.assert(
      fc.property(batchesArb, (batches) => {
        let tree = StateTree.empty();
        let model = new Map<string, Uint8Array>();
        const versions: { tree: StateTree; model: Map<string, Uint8Array>; root: string }[] = [];
        for (const batch of batches) {
          const next = tree.update(batch);
          model = applyToModel(model, batch);
          tree = next;
          const root = toHex(tree.root);
          expect(root, 'root vs fromEntries').toBe(toHex(StateTree.fromEntries(modelEntries(model)).root));
          expect(root, 'root vs reference').toBe(toHex(referenceRoot(model)));
          expect(tree.size).toBe(model.size);
          versions.push({ tree, model, root });
        }
        for (const [i, v] of versions.entries()) {
          expect(toHex(v.tree.root), `version ${i} root`).toBe(v.root);
          expect(v.tree.size, `version ${i} size`).toBe(v.model.size);
          for (const k of KEYS) {
            const want = v.model.get(toHex(k));
            const got = v.tree.get(k);
            expect(got === undefined ? undefined : toHex(got), `version ${i} get`).toBe(want === undefined ? undefined : toHex(want));
          }
          const entries = new Map([...v.tree.entries()].map(([k, val]) => [toHex(k), toHex(val)]));
          expect(entries).toEqual(new Map([...v.model].map(([k, val]) => [k, toHex(val)])));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('updatePrepared and getPrepared (keys prepared from bytes or strings) equal update and get', () => {
    const strKey = fc.oneof(fc.constantFrom('acct/a', 'inv/1', 'k\u00e9y', '\u{1f600}'), fc.string({ maxLength: 6 }));
    const write = fc.tuple(strKey, fc.option(valueArb, { nil: null, freq: 3 }));
    fc.assert(
      fc.property(fc.array(fc.array(write, { maxLength: 16 }), { minLength: 1, maxLength: 6 }), (batches) => {
        let a = StateTree.empty();
        let b = StateTree.empty();
        for (const batch of batches) {
          a = a.update(batch.map(([k, v]) => [utf8(k), v] as const));
          b = b.updatePrepared(batch.map(([k, v], i) => ({ key: i % 2 === 0 ? prepareStringKey(k) : prepareKey(utf8(k)), value: v })));
          expect(toHex(b.root)).toBe(toHex(a.root));
          expect(b.size).toBe(a.size);
          for (const [k] of batch) {
            const want = a.get(utf8(k));
            const got = b.getPrepared(prepareStringKey(k));
            expect(got === undefined ? undefined : toHex(got)).toBe(want === undefined ? undefined : toHex(want));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('sortByPath is a stable sort by path at every size (counting-sort path from 256 items)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 4000 }), (n, distinct) => {
        const items = Array.from({ length: n }, (_, i) => ({ path: sha256Binary(utf8(String((i * 7919) % distinct))), i }));
        const want = [...items].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.i - b.i));
        expect(sortByPath([...items]).map((x) => x.i)).toEqual(want.map((x) => x.i));
      }),
      { numRuns: 25 },
    );
  });

  it('large batches and bulk builds with repeated keys agree with the reference', () => {
    const writes: Write[] = Array.from({ length: 3000 }, (_, i) => [utf8(`big-${(i * 7919) % 2100}`), i % 5 === 4 ? null : utf8(`v${i}`)]);
    const model = applyToModel(new Map(), writes);
    const root = toHex(referenceRoot(model));
    expect(toHex(StateTree.empty().update(writes).root)).toBe(root);
    const puts = writes.filter((w): w is [Uint8Array, Uint8Array] => w[1] !== null);
    const bulk = StateTree.fromEntries(puts);
    expect(toHex(bulk.root)).toBe(toHex(referenceRoot(applyToModel(new Map(), puts))));
    expect(bulk.size).toBe(new Set(puts.map(([k]) => toHex(k))).size);
    let chunked = StateTree.empty();
    for (let i = 0; i < writes.length; i += 700) chunked = chunked.update(writes.slice(i, i + 700));
    expect(toHex(chunked.root)).toBe(root);
    expect(chunked.size).toBe(model.size);
  });

  it('root is independent of insertion order and batching', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.uint8Array({ maxLength: 8 }), valueArb), { selector: ([k]) => toHex(k), maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer(),
        (entries, chunk, seed) => {
          const shuffled = [...entries].sort((x, y) => (hashInt(x[0], seed) - hashInt(y[0], seed)));
          let incremental = StateTree.empty();
          for (let i = 0; i < shuffled.length; i += chunk) incremental = incremental.update(shuffled.slice(i, i + chunk));
          const oneByOne = entries.reduceRight((t, e) => t.update([e]), StateTree.empty());
          const bulk = StateTree.fromEntries(entries);
          expect(toHex(incremental.root)).toBe(toHex(bulk.root));
          expect(toHex(oneByOne.root)).toBe(toHex(bulk.root));
          // A detour through extra keys (longer than any real key, so distinct) leaves no trace.
          const extra = entries.map(([k]) => concatBytes(new Uint8Array(9), k));
          const detour = bulk.update(extra.map((k) => [k, utf8('tmp')] as const)).update(extra.map((k) => [k, null] as const));
          expect(toHex(detour.root)).toBe(toHex(bulk.root));
          expect(detour.size).toBe(entries.length);
        },
      ),
      { numRuns: 100 },
    );
  });
});

function hashInt(b: Uint8Array, seed: number): number {
  let h = seed | 0;
  for (const x of b) h = Math.imul(h ^ x, 0x9e3779b1);
  return h;
}
