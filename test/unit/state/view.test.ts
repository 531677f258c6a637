import { describe, expect, it } from 'vitest';
import { StateTree } from '../../../src/crypto/smt.js';
import { fromUtf8, utf8 } from '../../../src/util/bytes.js';
import { BlockOverlay, decodeCached, encodeCached, readRecord, treeReader } from '../../../src/state/view.js';

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

  it('base reads return the same bytes object within a block, so decodes are memoised', () => {
    const block = new BlockOverlay(base);
    expect(block.get('a')).toBe(block.get('a'));
    let calls = 0;
    const decode = (b: Uint8Array) => (calls++, { v: fromUtf8(b) });
    expect(readRecord(block, 'a', decode)).toBe(readRecord(block, 'a', decode));
    expect(calls).toBe(1);
    const bytes = encodeCached({ v: 'z' }, (x) => utf8(x.v), decode);
    expect(decodeCached(bytes, decode)).toEqual({ v: 'z' });
    expect(calls).toBe(1);
    expect(readRecord(treeReader(base), 'missing', decode)).toBeUndefined();
  });
});
