import type { TxHandler } from '../../types.js';
import { checkParty, INVOICE_PARTY_ROLES } from '../parties.js';
import { expectKeys, payloadValidator, readAmount, readId, readKeyHex } from '../payload-reader.js';
import { OK, reject } from '../tx-result.js';
import { changed, isClosed, loadUnfrozen, remaining } from './guards.js';
import { invoiceFinancingKey } from './keys.js';
import { encodeFinancingLedger, loadFinancingLedger, saveInvoice, type FinancedRange } from './types.js';

/** invoice.finance payload. */
export interface FinanceInvoicePayload {
  readonly id: string;
  /** Account id of the financier. */
  readonly financier: string;
  /** What the financier advances, ≤ the remaining amount. */
  readonly advance: bigint;
}

/**
 * invoice.finance {id, financier, advance}, by the holder of an accepted invoice.
 *
 * Double financing (docs/transactions.md, Invoices): every receivable covers a range [offset, offset + amount) of its
 * original invoice's face amount (splits partition the parent's unpaid range). Financing
 * appends that range to the root's financing ledger, which never shrinks, and is refused if
 * the range meets any range already there. So no amount unit of an original invoice is ever
 * financed twice, along any path of transfers, splits, repays and payments: not the same
 * receivable again after repay, not a part of a financed (then repaid) invoice, not an
 * ancestor of a financed part. The status checks alone would catch most of these; the
 * ledger makes the property independent of them (test/unit/state/contracts/invoice-properties).
 */
export const financeInvoice: TxHandler<FinanceInvoicePayload> = {
  type: 'invoice.finance',
  roles: ['integrator'],
  validate: payloadValidator((p) => {
    expectKeys(p, ['advance', 'financier', 'id']);
    return { id: readId(p, 'id'), financier: readKeyHex(p, 'financier'), advance: readAmount(p, 'advance') };
  }),
  execute(ctx, p) {
    const inv = loadUnfrozen(ctx, p.id);
    if ('ok' in inv) return inv;
    if (ctx.signer !== inv.holder) return reject('INVOICE_NOT_HOLDER', { id: p.id });
    if (inv.status === 'financed') return reject('INVOICE_ALREADY_FINANCED', { id: p.id, financedAs: p.id });
    if (inv.status === 'issued') return reject('INVOICE_NOT_ACCEPTED', { id: p.id });
    if (isClosed(inv)) return reject('INVOICE_CLOSED', { id: p.id, status: inv.status });
    const start = inv.offset;
    const end = inv.offset + inv.amount;
    const ledger = loadFinancingLedger(ctx.state, inv.root);
    const clash = ledger.find((r) => r.start < end && start < r.end);
    if (clash !== undefined) return reject('INVOICE_ALREADY_FINANCED', { id: p.id, financedAs: clash.invoiceId });
    if (p.financier === inv.holder) return reject('INVOICE_TO_SELF', { id: p.id });
    const party = checkParty(ctx.state, p.financier, 'financier', INVOICE_PARTY_ROLES);
    if (party !== null) return party;
    if (p.advance > remaining(inv)) return reject('ADVANCE_EXCEEDS_REMAINING', { remaining: remaining(inv).toString() });
    const range: FinancedRange = { start, end, invoiceId: inv.id, height: ctx.height };
    const next = [...ledger, range].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    ctx.state.put(invoiceFinancingKey(inv.root), encodeFinancingLedger(next));
    saveInvoice(ctx.state, changed(ctx, inv, { status: 'financed', financier: p.financier, advance: p.advance }));
    ctx.emit({ subject: 'invoice', id: p.id, action: 'financed', data: { financier: p.financier, advance: p.advance.toString() } });
    return OK;
  },
};
