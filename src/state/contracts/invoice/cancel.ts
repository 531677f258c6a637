import type { TxHandler } from '../../types.js';
import { OK, reject } from '../tx-result.js';
import { validateInvoiceId, type InvoiceIdPayload } from './accept.js';
import { changed, loadUnfrozen } from './guards.js';
import { saveInvoice } from './types.js';

/** invoice.cancel {id}, by the seller, only while `issued`. The fingerprint stays taken. */
export const cancelInvoice: TxHandler<InvoiceIdPayload> = {
  type: 'invoice.cancel',
  roles: ['integrator'],
  validate: validateInvoiceId,
  execute(ctx, p) {
    const inv = loadUnfrozen(ctx, p.id);
    if ('ok' in inv) return inv;
    if (ctx.signer !== inv.seller) return reject('INVOICE_NOT_SELLER', { id: p.id });
    if (inv.status !== 'issued') return reject('INVOICE_NOT_ISSUED', { id: p.id, status: inv.status });
    saveInvoice(ctx.state, changed(ctx, inv, { status: 'cancelled' }));
    ctx.emit({ subject: 'invoice', id: p.id, action: 'cancelled', data: {} });
    return OK;
  },
};
