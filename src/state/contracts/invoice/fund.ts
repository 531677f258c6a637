import type { TxHandler } from '../../types.js';
import { OK, reject } from '../tx-result.js';
import { validateInvoiceId, type InvoiceIdPayload } from './accept.js';
import { changed, loadUnfrozen } from './guards.js';
import { checkFinanceable } from './finance.js';
import { invoiceFinancingKey } from './keys.js';
import { encodeFinancingLedger, loadFinanceRequests, loadFinancingLedger, saveFinanceRequests, saveInvoice, type FinancedRange } from './types.js';

/**
 * invoice.fund {id}, by the financier a holder's open request names: the financing
 * of the two parties' agreement. Every check of the request is made again against the invoice
 * as it is now; the receivable's range enters its root's financing ledger and the invoice is
 * `financed` with the requested advance. Every other open request on it is closed: a request
 * to a second bank for the same (or an overlapping) receivable can no longer be accepted.
 */
export const acceptFinancing: TxHandler<InvoiceIdPayload> = {
  type: 'invoice.fund',
  roles: ['integrator'],
  validate: validateInvoiceId,
  execute(ctx, p) {
    const inv = loadUnfrozen(ctx, p.id);
    if ('ok' in inv) return inv;
    const req = loadFinanceRequests(ctx.state, p.id).find((r) => r.financier === ctx.signer);
    if (req === undefined) return reject('FINANCE_REQUEST_NOT_FOUND', { id: p.id });
    if (req.holder !== inv.holder) return reject('FINANCE_REQUEST_STALE', { id: p.id, requestedBy: req.holder });
    const refused = checkFinanceable(ctx, inv, ctx.signer, req.advance);
    if (refused !== null) return refused;
    const range: FinancedRange = { start: inv.offset, end: inv.offset + inv.amount, invoiceId: inv.id, height: ctx.height };
    const ledger = [...loadFinancingLedger(ctx.state, inv.root), range].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    ctx.state.put(invoiceFinancingKey(inv.root), encodeFinancingLedger(ledger));
    saveFinanceRequests(ctx.state, p.id, []);
    saveInvoice(ctx.state, changed(ctx, inv, { status: 'financed', financier: ctx.signer, advance: req.advance }));
    ctx.emit({ subject: 'invoice', id: p.id, action: 'financed', data: { financier: ctx.signer, advance: req.advance.toString(), holder: inv.holder } });
    return OK;
  },
};

/** invoice.decline {id}, by the financier: closes the open request naming it. */
export const declineFinancing: TxHandler<InvoiceIdPayload> = {
  type: 'invoice.decline',
  roles: ['integrator'],
  validate: validateInvoiceId,
  execute(ctx, p) {
    const inv = loadUnfrozen(ctx, p.id);
    if ('ok' in inv) return inv;
    const reqs = loadFinanceRequests(ctx.state, p.id);
    if (!reqs.some((r) => r.financier === ctx.signer)) return reject('FINANCE_REQUEST_NOT_FOUND', { id: p.id });
    saveFinanceRequests(ctx.state, p.id, reqs.filter((r) => r.financier !== ctx.signer));
    ctx.emit({ subject: 'invoice', id: p.id, action: 'financeDeclined', data: { financier: ctx.signer } });
    return OK;
  },
};
