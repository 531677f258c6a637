import { describe, expect, it } from 'vitest';
import { getAccount, getSignerAccount } from '../../../../src/state/queries.js';
import { castLedger } from './fixtures.js';

describe('accounts', () => {
  it('register: a member creates an account whose id is its key; it can sign at once', () => {
    const l = castLedger();
    l.ok({ as: 'member0', type: 'account.register', payload: { publicKey: l.id('erp'), role: 'integrator', name: 'erp-1' } });
    expect(l.account('erp')).toEqual({ id: l.id('erp'), publicKey: l.id('erp'), name: 'erp-1', role: 'integrator', nextNonce: 0 });
    l.ok({ as: 'erp', type: 'asset.register', payload: { id: 'A', kind: 'k', fingerprint: 'f', metadata: {} } });
    expect(l.account('erp')?.nextNonce).toBe(1);
    expect(l.historyOf('account', l.id('erp'))).toMatchObject([{ action: 'registered', actor: l.id('member0'), data: { role: 'integrator' } }]);
  });

  it('rotate: the id stays, the nonce continues, the old key stops working', () => {
    const l = castLedger();
    const id = l.id('buyer');
    l.ok({ as: 'buyer', type: 'account.rotate', payload: { newPublicKey: l.id('buyer-2') } });
    // An old-key transaction makes the block invalid: the key is no longer any account's key.
    const stale = l.block([l.sign({ as: 'buyer', type: 'invoice.accept', payload: { id: 'x' } }, 1)]);
    expect(stale).toMatchObject({ valid: false, reason: { code: 'TX_UNKNOWN_SIGNER', txIndex: 0 } });
    l.setKey('buyer', l.key('buyer-2'));
    expect(l.account('buyer')).toMatchObject({ id, publicKey: l.id('buyer-2'), nextNonce: 1 });
    expect(getAccount(l.state, id)?.publicKey).toBe(l.id('buyer-2'));
    // Admission must not accept the retired first key, although it is the account's id.
    expect(getSignerAccount(l.state, id)).toBeNull();
    expect(getSignerAccount(l.state, l.id('buyer-2'))?.id).toBe(id);
    expect(l.submit({ as: 'buyer', type: 'invoice.accept', payload: { id: 'x' } }).code).toBe('INVOICE_NOT_FOUND');
    expect(l.historyOf('account', id)).toMatchObject([{ action: 'rotated', data: { oldPublicKey: id, newPublicKey: l.id('buyer-2') } }]);
  });

  it('parties stay account ids after rotation: the rotated buyer still accepts its invoices', () => {
    const l = castLedger();
    const buyerId = l.id('buyer');
    l.ok({ as: 'buyer', type: 'account.rotate', payload: { newPublicKey: l.id('buyer-2') } });
    l.setKey('buyer', l.key('buyer-2'));
    l.ok({ as: 'supplier', type: 'invoice.issue', payload: { id: 'I', buyer: buyerId, amount: '5', currency: 'EUR', dueDate: '2027-01-01', fingerprint: 'f' } });
    l.ok({ as: 'buyer', type: 'invoice.accept', payload: { id: 'I' } });
    expect(l.invoice('I')?.status).toBe('accepted');
  });

  it('setrole: a member demotes an integrator; from that block on it may not submit what it could', () => {
    const l = castLedger();
    l.ok({ as: 'member0', type: 'account.setrole', payload: { account: l.id('supplier'), role: 'auditor' } });
    expect(l.account('supplier')).toMatchObject({ id: l.id('supplier'), role: 'auditor', nextNonce: 0 });
    expect(l.historyOf('account', l.id('supplier'))).toMatchObject([{ action: 'role_changed', actor: l.id('member0'), data: { from: 'integrator', role: 'auditor' } }]);
    expect(l.submit({ as: 'supplier', type: 'asset.register', payload: { id: 'A', kind: 'k', fingerprint: 'f', metadata: {} } }).code).toBe('ROLE_NOT_ALLOWED');
    l.ok({ as: 'member0', type: 'account.setrole', payload: { account: l.id('supplier'), role: 'integrator' } });
    l.ok({ as: 'supplier', type: 'asset.register', payload: { id: 'A', kind: 'k', fingerprint: 'f', metadata: {} } });
  });

  it('setrole names the account by id: a rotated account keeps its id and takes the new role', () => {
    const l = castLedger();
    l.ok({ as: 'regulator', type: 'account.rotate', payload: { newPublicKey: l.id('regulator-2') } });
    l.ok({ as: 'member0', type: 'account.setrole', payload: { account: l.id('regulator'), role: 'integrator' } });
    expect(getAccount(l.state, l.id('regulator-2'))).toMatchObject({ id: l.id('regulator'), role: 'integrator' });
  });

  it('setrole: only members may submit it, and its payload is checked strictly', () => {
    const l = castLedger();
    expect(l.submit({ as: 'regulator', type: 'account.setrole', payload: { account: l.id('supplier'), role: 'auditor' } }).code).toBe('ROLE_NOT_ALLOWED');
    for (const payload of [
      { account: l.id('supplier') },
      { account: l.id('supplier'), role: 'admin' },
      { account: l.id('supplier').toUpperCase(), role: 'auditor' },
      { account: l.id('supplier'), role: 'auditor', name: 'x' },
    ]) {
      expect(l.submit({ as: 'member0', type: 'account.setrole', payload }).code, JSON.stringify(payload)).toBe('PAYLOAD_INVALID');
    }
    expect(l.account('supplier')?.role).toBe('integrator');
  });

  it('getAccount finds ids and current keys in either case, null for unknown keys', () => {
    const l = castLedger();
    expect(getAccount(l.state, 'ab'.repeat(32))).toBeNull();
    expect(getAccount(l.state, l.id('supplier').toUpperCase())?.name).toBe('supplier');
    expect(getAccount(l.state, l.id('member0'))?.role).toBe('member');
  });
});
