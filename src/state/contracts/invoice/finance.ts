import type { TxContext, TxHandler, TxResult } from '../../types.js';
import { checkParty, INVOICE_PARTY_ROLES } from '../parties.js';
import { expectKeys, payloadValidator, readAmount, readId, readKeyHex } from '../payload-reader.js';
import { OK, reject } from '../tx-result.js';
import { isClosed, loadUnfrozen, remaining } from './guards.js';
import { loadFinanceRequests, loadFinancingLedger, saveFinanceRequests, type Invoice } from './types.js';

/** invoice.finance payload. */
export interface FinanceInvoicePayload {
  readonly id: string;
  /** Account id of the financier. */
  readonly financier: string;
  /** What the financier advances, ≤ the remaining amount. */
  readonly advance: bigint;
}

/**
 * Whether `inv` could be financed now by `financier` with `advance`: the checks a request must
 * pass when the holder makes it and again when the financier accepts it (the invoice may have
 * been paid, split, financed elsewhere or frozen in between).
 *
 * Double financing: every receivable covers a range [offset, offset + amount) of its original
 * invoice's face amount (splits partition the parent's unpaid range). Financing appends that
 * range to the root's financing ledger, which never shrinks, and is refused if the range meets
 * any range already there. So no amount unit of an original invoice is ever financed twice,
 * along any path of transfers, splits, repays, payments, requests and acceptances: not the same
 * receivable again after repay, not a part of a financed (then repaid) invoice, not an ancestor
 * of a financed part, and of two financiers accepting requests on overlapping receivables only
 * the first (in block order) wins (test/unit/state/contracts/invoice-properties.test.ts).
 */
export function checkFinanceable(ctx: TxContext, inv: Invoice, financier: string, advance: bigint): TxResult | null {
  if (inv.status === 'financed') return reject('INVOICE_ALREADY_FINANCED', { id: inv.id, financedAs: inv.id });
  if (inv.status === 'issued') return reject('INVOICE_NOT_ACCEPTED', { id: inv.id });
  if (isClosed(inv)) return reject('INVOICE_CLOSED', { id: inv.id, status: inv.status });
  const end = inv.offset + inv.amount;
  const clash = loadFinancingLedger(ctx.state, inv.root).find((r) => r.start < end && inv.offset < r.end);
  if (clash !== undefined) return reject('INVOICE_ALREADY_FINANCED', { id: inv.id, financedAs: clash.invoiceId });
  if (financier === inv.holder) return reject('INVOICE_TO_SELF', { id: inv.id });
  const party = checkParty(ctx.state, financier, 'financier', INVOICE_PARTY_ROLES);
  if (party !== null) return party;
  if (advance > remaining(inv)) return reject('ADVANCE_EXCEEDS_REMAINING', { remaining: remaining(inv).toString() });
  return null;
}

/**
 * invoice.finance {id, financier, advance}, by the holder of an accepted invoice: a request
 * that `financier` finance it. Nothing is financed until the financier signs
 * invoice.fund (a holder cannot lock its receivables to a bank that never agreed);
 * the holder may withdraw it and the financier may decline it. A new request to the same
 * financier replaces the previous one; requests to several financiers may be open at once.
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
    const refused = checkFinanceable(ctx, inv, p.financier, p.advance);
    if (refused !== null) return refused;
    const others = loadFinanceRequests(ctx.state, p.id).filter((r) => r.financier !== p.financier);
    saveFinanceRequests(ctx.state, p.id, [...others, { financier: p.financier, holder: inv.holder, advance: p.advance, height: ctx.height }]);
    ctx.emit({ subject: 'invoice', id: p.id, action: 'financeRequested', data: { financier: p.financier, advance: p.advance.toString() } });
    return OK;
  },
};
