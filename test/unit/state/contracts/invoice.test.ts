import { describe, expect, it } from 'vitest';
import { toHex } from '../../../../src/util/bytes.js';
import { expectNoop } from '../../../helpers/test-ledger.js';
import { accepted, castLedger, financeAgreed, financed, issue, split } from './fixtures.js';

describe('invoice lifecycle', () => {
  it('issue makes the seller the holder, status issued, indexed and in history', () => {
    const l = castLedger();
    const r = l.ok({ as: 'supplier', type: 'invoice.issue', payload: { id: 'INV-1', buyer: l.id('buyer'), amount: '1000', currency: 'EUR', dueDate: '2027-01-31', fingerprint: 'tax:123-no:7' } });
    const inv = l.invoice('INV-1');
    expect(inv).toMatchObject({ seller: l.id('supplier'), holder: l.id('supplier'), buyer: l.id('buyer'), amount: '1000', paid: '0', remaining: '1000', status: 'issued', root: 'INV-1', parent: null, everFinanced: false });
    expect(l.indexScan(['invoice-holder', l.id('supplier')])).toEqual(['INV-1']);
    expect(l.indexScan(['invoice-status', 'issued'])).toEqual(['INV-1']);
    const [ev] = l.historyOf('invoice', 'INV-1');
    expect(ev).toMatchObject({ action: 'issued', actor: l.id('supplier'), height: l.height, txIndex: 0, seq: 0 });
    expect(toHex(ev?.txHash ?? new Uint8Array())).toBe(toHex(r.hash));
  });

  it('accepts amounts as safe integers and up to 2^63-1 as strings', () => {
    const l = castLedger();
    l.ok({ as: 'supplier', type: 'invoice.issue', payload: { id: 'n', buyer: l.id('buyer'), amount: 250, currency: 'USD', dueDate: '2028-02-29', fingerprint: 'f1' } });
    l.ok({ as: 'supplier', type: 'invoice.issue', payload: { id: 'max', buyer: l.id('buyer'), amount: '9223372036854775807', currency: 'USD', dueDate: '2028-12-31', fingerprint: 'f2' } });
    expect(l.invoice('n')?.amount).toBe('250');
    expect(l.invoice('max')?.amount).toBe('9223372036854775807');
  });

  it('accept, transfer: the buyer confirms, the holder moves and the index follows', () => {
    const l = castLedger();
    accepted(l);
    expect(l.invoice('INV-1')?.status).toBe('accepted');
    l.ok({ as: 'supplier', type: 'invoice.transfer', payload: { id: 'INV-1', to: l.id('supplier2') } });
    expect(l.invoice('INV-1')?.holder).toBe(l.id('supplier2'));
    expect(l.indexScan(['invoice-holder', l.id('supplier')])).toEqual([]);
    expect(l.indexScan(['invoice-holder', l.id('supplier2')])).toEqual(['INV-1']);
    expect(l.indexScan(['invoice-status', 'issued'])).toEqual([]);
    expect(l.indexScan(['invoice-status', 'accepted'])).toEqual(['INV-1']);
    expect(l.historyOf('invoice', 'INV-1').map((e) => e.action)).toEqual(['issued', 'accepted', 'transferred']);
  });

  it('split: parts are accepted receivables with the same buyer and due date, linked to parent and root', () => {
    const l = castLedger();
    split(l);
    expect(l.invoice('INV-1')).toMatchObject({ status: 'split', parts: ['INV-1.a', 'INV-1.b'] });
    expect(l.invoice('INV-1.a')).toMatchObject({ status: 'accepted', holder: l.id('supplier'), amount: '400', buyer: l.id('buyer'), dueDate: '2027-01-31', parent: 'INV-1', root: 'INV-1', fingerprint: 'fp-INV-1' });
    expect(l.invoice('INV-1.b')).toMatchObject({ holder: l.id('supplier2'), amount: '600' });
    expect(l.historyOf('invoice', 'INV-1.b').map((e) => e.action)).toEqual(['created']);
    // Parts split again, down the tree.
    l.ok({ as: 'supplier2', type: 'invoice.split', payload: { id: 'INV-1.b', parts: [{ id: 'b1', to: l.id('supplier2'), amount: '100' }, { id: 'b2', to: l.id('buyer'), amount: 500 }] } });
    expect(l.invoice('b2')).toMatchObject({ parent: 'INV-1.b', root: 'INV-1', amount: '500' });
  });

  it('split after a partial payment divides only the remaining amount', () => {
    const l = castLedger();
    accepted(l);
    l.ok({ as: 'buyer', type: 'invoice.pay', payload: { id: 'INV-1', amount: '300' } });
    l.ok({ as: 'supplier', type: 'invoice.split', payload: { id: 'INV-1', parts: [{ id: 'x', to: l.id('supplier'), amount: '350' }, { id: 'y', to: l.id('supplier'), amount: '350' }] } });
    expect(l.invoice('x')?.remaining).toBe('350');
  });

  it('finance and repay: financed by the financier, released back to the holder, never financeable again', () => {
    const l = castLedger();
    financed(l);
    expect(l.invoice('INV-1')).toMatchObject({ status: 'financed', financier: l.id('financier'), advance: '900', everFinanced: true });
    l.ok({ as: 'financier', type: 'invoice.repay', payload: { id: 'INV-1' } });
    expect(l.invoice('INV-1')).toMatchObject({ status: 'accepted', financier: null, advance: null, holder: l.id('supplier'), everFinanced: true });
    // Released means tradable again.
    l.ok({ as: 'supplier', type: 'invoice.transfer', payload: { id: 'INV-1', to: l.id('supplier2') } });
    expect(l.historyOf('invoice', 'INV-1').map((e) => e.action)).toEqual(['issued', 'accepted', 'financeRequested', 'financed', 'repaid', 'transferred']);
  });

  it('sibling parts cover disjoint amounts, so each may be financed once', () => {
    const l = castLedger();
    split(l);
    financeAgreed(l, 'INV-1.a', 'supplier', 'financier', '400');
    financeAgreed(l, 'INV-1.b', 'supplier2', 'financier2', '1');
    expect(l.invoice('INV-1.b')?.status).toBe('financed');
  });

  it('financing is an agreement: a request finances nothing until the financier accepts it', () => {
    const l = castLedger();
    accepted(l);
    l.ok({ as: 'supplier', type: 'invoice.finance', payload: { id: 'INV-1', financier: l.id('financier'), advance: '700' } });
    // Still tradable and unfinanced: the bank has not agreed to anything.
    expect(l.invoice('INV-1')).toMatchObject({ status: 'accepted', financier: null, everFinanced: false });
    // Another financier cannot accept a request made to someone else.
    expectNoop(l, { as: 'financier2', type: 'invoice.fund', payload: { id: 'INV-1' } }, 'FINANCE_REQUEST_NOT_FOUND');
    l.ok({ as: 'financier', type: 'invoice.fund', payload: { id: 'INV-1' } });
    expect(l.invoice('INV-1')).toMatchObject({ status: 'financed', financier: l.id('financier'), advance: '700', everFinanced: true });
    // The request is used up.
    expectNoop(l, { as: 'financier', type: 'invoice.fund', payload: { id: 'INV-1' } }, 'FINANCE_REQUEST_NOT_FOUND');
  });

  it('a financier declines, a holder withdraws: neither leaves anything financed', () => {
    const l = castLedger();
    accepted(l);
    l.ok({ as: 'supplier', type: 'invoice.finance', payload: { id: 'INV-1', financier: l.id('financier'), advance: '500' } });
    l.ok({ as: 'financier', type: 'invoice.decline', payload: { id: 'INV-1' } });
    expectNoop(l, { as: 'financier', type: 'invoice.fund', payload: { id: 'INV-1' } }, 'FINANCE_REQUEST_NOT_FOUND');
    l.ok({ as: 'supplier', type: 'invoice.finance', payload: { id: 'INV-1', financier: l.id('financier2'), advance: '500' } });
    expectNoop(l, { as: 'supplier2', type: 'invoice.withdraw', payload: { id: 'INV-1', financier: l.id('financier2') } }, 'INVOICE_NOT_HOLDER');
    l.ok({ as: 'supplier', type: 'invoice.withdraw', payload: { id: 'INV-1', financier: l.id('financier2') } });
    expectNoop(l, { as: 'financier2', type: 'invoice.fund', payload: { id: 'INV-1' } }, 'FINANCE_REQUEST_NOT_FOUND');
    expect(l.invoice('INV-1')).toMatchObject({ status: 'accepted', everFinanced: false });
    expect(l.historyOf('invoice', 'INV-1').map((e) => e.action)).toEqual(['issued', 'accepted', 'financeRequested', 'financeDeclined', 'financeRequested', 'financeWithdrawn']);
  });

  it('two banks accepting requests for overlapping receivables: exactly one wins', () => {
    const l = castLedger();
    split(l);
    // The parent is split, so ask for its part and, through the other holder, for nothing else;
    // then an overlapping pair: the part INV-1.a and the same part asked of a second bank.
    l.ok({ as: 'supplier', type: 'invoice.finance', payload: { id: 'INV-1.a', financier: l.id('financier'), advance: '400' } });
    l.ok({ as: 'supplier', type: 'invoice.finance', payload: { id: 'INV-1.a', financier: l.id('financier2'), advance: '300' } });
    l.ok({ as: 'financier2', type: 'invoice.fund', payload: { id: 'INV-1.a' } });
    expectNoop(l, { as: 'financier', type: 'invoice.fund', payload: { id: 'INV-1.a' } }, 'FINANCE_REQUEST_NOT_FOUND');
    expect(l.invoice('INV-1.a')).toMatchObject({ status: 'financed', financier: l.id('financier2'), advance: '300' });
  });

  it('a request made by an earlier holder cannot be accepted after a transfer', () => {
    const l = castLedger();
    accepted(l);
    l.ok({ as: 'supplier', type: 'invoice.finance', payload: { id: 'INV-1', financier: l.id('financier'), advance: '500' } });
    l.ok({ as: 'supplier', type: 'invoice.transfer', payload: { id: 'INV-1', to: l.id('supplier2') } });
    expectNoop(l, { as: 'financier', type: 'invoice.fund', payload: { id: 'INV-1' } }, 'FINANCE_REQUEST_STALE');
    expect(l.invoice('INV-1')).toMatchObject({ status: 'accepted', holder: l.id('supplier2'), everFinanced: false });
  });

  it('pay: partial payments add up; the last one makes it paid, also while financed', () => {
    const l = castLedger();
    financed(l);
    l.ok({ as: 'buyer', type: 'invoice.pay', payload: { id: 'INV-1', amount: '999' } });
    expect(l.invoice('INV-1')).toMatchObject({ status: 'financed', paid: '999', remaining: '1' });
    l.ok({ as: 'buyer', type: 'invoice.pay', payload: { id: 'INV-1', amount: 1 } });
    expect(l.invoice('INV-1')).toMatchObject({ status: 'paid', paid: '1000', remaining: '0', financier: l.id('financier') });
    expect(l.indexScan(['invoice-status', 'paid'])).toEqual(['INV-1']);
  });

  it('cancel: only while issued; the fingerprint stays taken', () => {
    const l = castLedger();
    issue(l);
    l.ok({ as: 'supplier', type: 'invoice.cancel', payload: { id: 'INV-1' } });
    expect(l.invoice('INV-1')?.status).toBe('cancelled');
  });

  it('freeze and unfreeze by a regulator; frozen invoices accept no change, then resume', () => {
    const l = castLedger();
    accepted(l);
    l.ok({ as: 'regulator', type: 'invoice.freeze', payload: { id: 'INV-1', reason: 'investigation 42' } });
    expect(l.invoice('INV-1')).toMatchObject({ frozen: true, frozenReason: 'investigation 42' });
    expect(l.submit({ as: 'buyer', type: 'invoice.pay', payload: { id: 'INV-1', amount: '1' } }).code).toBe('INVOICE_FROZEN');
    l.ok({ as: 'regulator', type: 'invoice.unfreeze', payload: { id: 'INV-1' } });
    expect(l.invoice('INV-1')).toMatchObject({ frozen: false, frozenReason: null });
    l.ok({ as: 'buyer', type: 'invoice.pay', payload: { id: 'INV-1', amount: '1' } });
    expect(l.historyOf('invoice', 'INV-1').map((e) => e.action)).toEqual(['issued', 'accepted', 'frozen', 'unfrozen', 'paid']);
  });

  it('rejections name the field or the object in their detail', () => {
    const l = castLedger();
    const r = l.submit({ as: 'supplier', type: 'invoice.issue', payload: { id: 'I', buyer: l.id('buyer'), amount: '1', currency: 'euro', dueDate: '2027-01-01', fingerprint: 'f' } });
    expect(r).toMatchObject({ code: 'PAYLOAD_INVALID', detail: { field: 'currency' } });
    const r2 = l.submit({ as: 'supplier', type: 'invoice.split', payload: { id: 'I', parts: [{ id: 'a', to: 'zz', amount: '1' }, { id: 'b', to: l.id('buyer'), amount: '1' }] } });
    expect(r2).toMatchObject({ code: 'PAYLOAD_INVALID', detail: { field: 'parts[0].to' } });
    expect(l.submit({ as: 'buyer', type: 'invoice.accept', payload: { id: 'nope' } }).detail).toEqual({ id: 'nope' });
  });
});
