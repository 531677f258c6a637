import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StateTree } from '../../../src/crypto/smt.js';
import { fromUtf8, utf8 } from '../../../src/util/bytes.js';
import { BlockOverlay, readRecord, treeReader } from '../../../src/state/view.js';

const base = StateTree.fromEntries([[utf8('a'), utf8('1')], [utf8('b'), utf8('2')]]);
const str = (v: Uint8Array | undefined) => (v === undefined ? undefined : fromUtf8(v));

describe('overlays', () => {
  it('read your writes over the base, deletes hide base values', () => {
    const block = new BlockOverlay(base);
    block.put('a', utf8('x'));
    block.delete('b');
    expect([str(block.get('a')), str(block.get('b')), str(block.get('c'))]).toEqual(['x', undefined, undefined]);
    expect([str(block.baseGet('a')), str(block.baseGet('b'))]).toEqual(['1', '2']);
  });

  it('a transaction sees its own writes; discard restores the block exactly, commit keeps them', () => {
    const block = new BlockOverlay(base);
    const dropped = block.child();
    dropped.put('c', utf8('3'));
    dropped.delete('a');
    expect([str(dropped.get('c')), str(dropped.get('a'))]).toEqual(['3', undefined]);
    dropped.discard();
    expect([str(block.get('c')), str(block.get('a'))]).toEqual([undefined, '1']);
    expect(block.netWrites()).toEqual([]);
    const kept = block.child();
    kept.put('c', utf8('4'));
    kept.delete('a');
    kept.commit();
    expect([str(block.get('c')), str(block.get('a'))]).toEqual(['4', undefined]);
    expect(block.netWrites().map(([k, v]) => [fromUtf8(k), str(v ?? undefined)])).toEqual([['c', '4'], ['a', undefined]]);
    expect(base.update(block.netWrites()).get(utf8('a'))).toBeUndefined();
    expect(() => block.netWrites() && block.child() && block.child()).toThrow(/one transaction at a time/);
  });

  it('decoded records are memoised per key while the bytes stay the same, and carried over on commit', () => {
    const block = new BlockOverlay(base);
    expect(block.get('a')).toBe(block.get('a'));
    let calls = 0;
    const decode = (b: Uint8Array): { v: string } => (calls++, { v: fromUtf8(b) });
    const encode = (x: { v: string }): Uint8Array => utf8(x.v);
    expect(readRecord(block, 'a', decode)).toBe(readRecord(block, 'a', decode));
    expect(calls).toBe(1);
    const tx = block.child();
    expect(readRecord(tx, 'a', decode)?.v).toBe('1');
    tx.putRecord('a', { v: 'z' }, encode, decode);
    expect(readRecord(tx, 'a', decode)).toEqual({ v: 'z' });
    expect(readRecord(block, 'a', decode)).toEqual({ v: 'z' });
    tx.commit();
    expect(readRecord(block, 'a', decode)).toEqual({ v: 'z' });
    expect(block.baseRecord('a', decode)).toEqual({ v: '1' });
    expect(calls).toBe(1);
    // Raw bytes written over a record invalidate its memo.
    block.put('a', utf8('raw'));
    expect(readRecord(block, 'a', decode)).toEqual({ v: 'raw' });
    expect(calls).toBe(2);
    const t2 = block.child();
    t2.delete('a');
    expect(readRecord(t2, 'a', decode)).toBeUndefined();
    t2.discard();
    expect(readRecord(block, 'a', decode)).toEqual({ v: 'raw' });
    expect(readRecord(treeReader(base), 'missing', decode)).toBeUndefined();
    expect(readRecord(treeReader(base), 'b', decode)).toEqual({ v: '2' });
  });

  it('matches a copy-on-write model (block map + transaction map) on random operation sequences', () => {
    // The model is the previous overlay design: a transaction's writes live in their own map
    // and reach the block's map on commit (first-write order), or are dropped.
    const keys = ['a', 'b', 'c', 'd', 'k\u00e9'];
    const baseEntries: [string, string][] = [['a', '1'], ['b', '2'], ['k\u00e9', '3']];
    const tree = StateTree.fromEntries(baseEntries.map(([k, v]) => [utf8(k), utf8(v)]));
    const op = fc.oneof(
      fc.record({ t: fc.constant('put' as const), k: fc.constantFrom(...keys), v: fc.string({ maxLength: 3 }) }),
      fc.record({ t: fc.constant('putRecord' as const), k: fc.constantFrom(...keys), v: fc.string({ maxLength: 3 }) }),
      fc.record({ t: fc.constant('delete' as const), k: fc.constantFrom(...keys) }),
      fc.record({ t: fc.constant('get' as const), k: fc.constantFrom(...keys) }),
      fc.record({ t: fc.constant('getRecord' as const), k: fc.constantFrom(...keys) }),
      fc.record({ t: fc.constantFrom('begin' as const, 'commit' as const, 'rollback' as const) }),
    );
    const decode = (b: Uint8Array): { v: string } => ({ v: fromUtf8(b) });
    const encode = (x: { v: string }): Uint8Array => utf8(x.v);
    fc.assert(fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
      const block = new BlockOverlay(tree);
      const mBase = new Map(baseEntries);
      const mBlock = new Map<string, string | null>();
      let mTx: Map<string, string | null> | null = null;
      const mGet = (k: string): string | undefined => {
        const w = mTx?.has(k) ? mTx.get(k) : mBlock.has(k) ? mBlock.get(k) : mBase.get(k);
        return w ?? undefined;
      };
      const write = (k: string, v: string | null): void => void (mTx ?? mBlock).set(k, v);
      for (const o of ops) {
        switch (o.t) {
          case 'put': block.put(o.k, utf8(o.v)); write(o.k, o.v); break;
          case 'putRecord': block.putRecord(o.k, { v: o.v }, encode, decode); write(o.k, o.v); break;
          case 'delete': block.delete(o.k); write(o.k, null); break;
          case 'get': expect(str(block.get(o.k)), `get ${o.k}`).toBe(mGet(o.k)); break;
          case 'getRecord': expect(block.getRecord(o.k, decode)?.v, `getRecord ${o.k}`).toBe(mGet(o.k)); break;
          case 'begin': if (mTx === null) { block.begin(); mTx = new Map(); } break;
          case 'commit': if (mTx !== null) { block.commitTx(); for (const [k, v] of mTx) mBlock.set(k, v); mTx = null; } break;
          case 'rollback': if (mTx !== null) { block.rollbackTx(); mTx = null; } break;
        }
        for (const k of keys) expect(str(block.baseGet(k)), `baseGet ${k}`).toBe(mBase.get(k));
      }
      if (mTx !== null) block.rollbackTx();
      const want = [...mBlock].map(([k, v]) => [k, v ?? undefined]);
      expect(block.writtenKeys()).toEqual([...mBlock.keys()]);
      expect(block.netWrites().map(([k, v]) => [fromUtf8(k), str(v ?? undefined)])).toEqual(want);
      const prepared = block.preparedWrites();
      expect(prepared.keys.map(fromUtf8)).toEqual([...mBlock.keys()]);
      expect(prepared.values.map((v) => str(v ?? undefined))).toEqual(want.map(([, v]) => v));
      const finalModel = new Map(mBase);
      for (const [k, v] of mBlock) if (v === null) finalModel.delete(k); else finalModel.set(k, v);
      const root = StateTree.fromEntries([...finalModel].map(([k, v]) => [utf8(k), utf8(v)])).root;
      expect(tree.updatePrepared(prepared.writes).root).toEqual(root);
      expect(tree.update(block.netWrites()).root).toEqual(root);
    }), { numRuns: 2000 });
  });
});
