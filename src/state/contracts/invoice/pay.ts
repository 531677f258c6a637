import type { TxHandler } from '../../types.js';
import { expectKeys, payloadValidator, readAmount, readId } from '../payload-reader.js';
import { OK, reject } from '../tx-result.js';
import { changed, isClosed, loadUnfrozen, remaining } from './guards.js';
import { saveInvoice } from './types.js';

/** invoice.pay payload. */
export interface PayInvoicePayload {
  readonly id: string;
  readonly amount: bigint;
}

/**
 * invoice.pay {id, amount}, by the buyer, on an accepted or financed receivable. Partial
 * payments add up; the invoice becomes `paid` when nothing remains (a financed invoice keeps
 * its financier on record). Paying more than remains is refused.
 */
export const payInvoice: TxHandler<PayInvoicePayload> = {
  type: 'invoice.pay',
  roles: ['integrator'],
  validate: payloadValidator((p) => {
    expectKeys(p, ['amount', 'id']);
    return { id: readId(p, 'id'), amount: readAmount(p, 'amount') };
  }),
  execute(ctx, p) {
    const inv = loadUnfrozen(ctx, p.id);
    if ('ok' in inv) return inv;
    if (ctx.signer !== inv.buyer) return reject('INVOICE_NOT_BUYER', { id: p.id });
    if (inv.status === 'issued') return reject('INVOICE_NOT_ACCEPTED', { id: p.id });
    if (isClosed(inv)) return reject('INVOICE_CLOSED', { id: p.id, status: inv.status });
    if (p.amount > remaining(inv)) return reject('PAYMENT_EXCEEDS_REMAINING', { remaining: remaining(inv).toString() });
    const paid = inv.paid + p.amount;
    saveInvoice(ctx.state, changed(ctx, inv, paid === inv.amount ? { paid, status: 'paid' } : { paid }));
    ctx.emit({ subject: 'invoice', id: p.id, action: 'paid', data: { amount: p.amount.toString(), paidTotal: paid.toString(), remaining: (inv.amount - paid).toString() } });
    return OK;
  },
};
