import type { TxHandler } from '../../types.js';
import { expectKeys, payloadValidator, readId } from '../payload-reader.js';
import { OK, reject } from '../tx-result.js';
import { changed, loadUnfrozen } from './guards.js';
import { saveInvoice } from './types.js';

/** Payload of the invoice transactions that name only the invoice. */
export interface InvoiceIdPayload {
  readonly id: string;
}

/** Validator for {id}. */
export const validateInvoiceId = payloadValidator((p): InvoiceIdPayload => {
  expectKeys(p, ['id']);
  return { id: readId(p, 'id') };
});

/** invoice.accept {id}, by the buyer only: confirms the debt. issued → accepted. */
export const acceptInvoice: TxHandler<InvoiceIdPayload> = {
  type: 'invoice.accept',
  roles: ['integrator'],
  validate: validateInvoiceId,
  execute(ctx, p) {
    const inv = loadUnfrozen(ctx, p.id);
    if ('ok' in inv) return inv;
    if (ctx.signer !== inv.buyer) return reject('INVOICE_NOT_BUYER', { id: p.id });
    if (inv.status !== 'issued') return reject('INVOICE_NOT_ISSUED', { id: p.id, status: inv.status });
    saveInvoice(ctx.state, changed(ctx, inv, { status: 'accepted' }));
    ctx.emit({ subject: 'invoice', id: p.id, action: 'accepted', data: { buyer: ctx.signer } });
    return OK;
  },
};
