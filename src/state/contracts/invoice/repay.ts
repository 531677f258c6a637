import type { TxHandler } from '../../types.js';
import { OK, reject } from '../tx-result.js';
import { validateInvoiceId, type InvoiceIdPayload } from './accept.js';
import { changed, loadUnfrozen } from './guards.js';
import { saveInvoice } from './types.js';

/**
 * invoice.repay {id}, by the financier: releases a financed invoice back to its holder
 * (status accepted). Its range stays in the root's financing ledger, so it can never be
 * financed again (finance.ts).
 */
export const repayInvoice: TxHandler<InvoiceIdPayload> = {
  type: 'invoice.repay',
  roles: ['integrator'],
  validate: validateInvoiceId,
  execute(ctx, p) {
    const inv = loadUnfrozen(ctx, p.id);
    if ('ok' in inv) return inv;
    if (inv.status !== 'financed') return reject('INVOICE_NOT_FINANCED', { id: p.id, status: inv.status });
    if (ctx.signer !== inv.financier) return reject('INVOICE_NOT_FINANCIER', { id: p.id });
    saveInvoice(ctx.state, changed(ctx, inv, { status: 'accepted', financier: null, advance: null }));
    ctx.emit({ subject: 'invoice', id: p.id, action: 'repaid', data: { financier: ctx.signer, holder: inv.holder } });
    return OK;
  },
};
