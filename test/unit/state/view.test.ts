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

  it('a transaction overlay reaches the block only on commit', () => {
    const block = new BlockOverlay(base);
    const dropped = block.child();
    dropped.put('c', utf8('3'));
    dropped.delete('a');
    expect([str(dropped.get('c')), str(dropped.get('a'))]).toEqual(['3', undefined]);
    expect([str(block.get('c')), str(block.get('a'))]).toEqual([undefined, '1']);
    const kept = block.child();
    kept.put('c', utf8('4'));
    kept.delete('a');
    kept.commit();
    expect([str(block.get('c')), str(block.get('a'))]).toEqual(['4', undefined]);
    expect(block.netWrites().map(([k, v]) => [fromUtf8(k), str(v ?? undefined)])).toEqual([['c', '4'], ['a', undefined]]);
    expect(base.update(block.netWrites()).get(utf8('a'))).toBeUndefined();
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
    expect(readRecord(block, 'a', decode)).toEqual({ v: '1' });
    tx.commit();
    expect(readRecord(block, 'a', decode)).toEqual({ v: 'z' });
    expect(calls).toBe(1);
    // Raw bytes written over a record invalidate its memo.
    block.put('a', utf8('raw'));
    expect(readRecord(block, 'a', decode)).toEqual({ v: 'raw' });
    expect(calls).toBe(2);
    const t2 = block.child();
    t2.delete('a');
    expect(readRecord(t2, 'a', decode)).toBeUndefined();
    expect(readRecord(treeReader(base), 'missing', decode)).toBeUndefined();
    expect(readRecord(treeReader(base), 'b', decode)).toEqual({ v: '2' });
  });
});
