import { describe, expect, it } from 'vitest';
import { asset, castLedger } from './fixtures.js';

describe('asset registry', () => {
  it('register: owner = signer, metadata kept, indexed by owner, history recorded', () => {
    const l = castLedger();
    asset(l);
    expect(l.asset('A-1')).toMatchObject({ owner: l.id('supplier'), kind: 'warehouse-receipt', fingerprint: 'doc-A-1', metadata: { tons: 12 }, pledgee: null, frozen: false, status: 'active' });
    expect(l.indexScan(['asset-owner', l.id('supplier')])).toEqual(['A-1']);
    expect(l.historyOf('asset', 'A-1')).toMatchObject([{ action: 'registered', actor: l.id('supplier') }]);
  });

  it('members may register assets too', () => {
    const l = castLedger();
    asset(l, 'M-1', 'member0');
    expect(l.asset('M-1')?.owner).toBe(l.id('member0'));
  });

  it('transfer moves ownership and the owner index', () => {
    const l = castLedger();
    asset(l);
    l.ok({ as: 'supplier', type: 'asset.transfer', payload: { id: 'A-1', to: l.id('buyer') } });
    expect(l.asset('A-1')?.owner).toBe(l.id('buyer'));
    expect(l.indexScan(['asset-owner', l.id('supplier')])).toEqual([]);
    expect(l.indexScan(['asset-owner', l.id('buyer')])).toEqual(['A-1']);
  });

  it('pledge and release: the pledgee releases, then the owner may transfer', () => {
    const l = castLedger();
    asset(l);
    l.ok({ as: 'supplier', type: 'asset.pledge', payload: { id: 'A-1', to: l.id('financier') } });
    expect(l.asset('A-1')).toMatchObject({ pledgee: l.id('financier'), status: 'pledged' });
    l.ok({ as: 'financier', type: 'asset.release', payload: { id: 'A-1' } });
    expect(l.asset('A-1')).toMatchObject({ pledgee: null, status: 'active' });
    l.ok({ as: 'supplier', type: 'asset.transfer', payload: { id: 'A-1', to: l.id('buyer') } });
    expect(l.historyOf('asset', 'A-1').map((e) => e.action)).toEqual(['registered', 'pledged', 'released', 'transferred']);
  });

  it('freeze and unfreeze by a regulator with a reason', () => {
    const l = castLedger();
    asset(l);
    l.ok({ as: 'regulator', type: 'asset.freeze', payload: { id: 'A-1', reason: 'court order 7' } });
    expect(l.asset('A-1')).toMatchObject({ frozen: true, frozenReason: 'court order 7', status: 'frozen' });
    l.ok({ as: 'regulator', type: 'asset.unfreeze', payload: { id: 'A-1', reason: 'lifted' } });
    expect(l.asset('A-1')).toMatchObject({ frozen: false, status: 'active' });
    expect(l.historyOf('asset', 'A-1').map((e) => [e.action, e.data['reason'] ?? null])).toEqual([['registered', null], ['frozen', 'court order 7'], ['unfrozen', 'lifted']]);
  });

  it('metadata must be an object of bounded size; freeze needs a reason', () => {
    const l = castLedger();
    expect(l.submit({ as: 'supplier', type: 'asset.register', payload: { id: 'A', kind: 'k', fingerprint: 'f', metadata: 'text' } }).detail).toMatchObject({ field: 'metadata' });
    const big = { a: 'x'.repeat(4096), b: 'x'.repeat(4096), c: 'x'.repeat(100) };
    expect(l.submit({ as: 'supplier', type: 'asset.register', payload: { id: 'A', kind: 'k', fingerprint: 'f', metadata: big } }).code).toBe('PAYLOAD_INVALID');
    asset(l);
    expect(l.submit({ as: 'regulator', type: 'asset.freeze', payload: { id: 'A-1' } }).detail).toMatchObject({ field: 'reason' });
  });
});
