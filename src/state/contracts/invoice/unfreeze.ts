import type { TxHandler } from '../../types.js';
import { OK, reject } from '../tx-result.js';
import { validateFreezeInvoice, type FreezeInvoicePayload } from './freeze.js';
import { changed } from './guards.js';
import { loadInvoice, saveInvoice } from './types.js';

/** invoice.unfreeze {id, reason?}, by a regulator. */
export const unfreezeInvoice: TxHandler<FreezeInvoicePayload> = {
  type: 'invoice.unfreeze',
  roles: ['regulator'],
  validate: validateFreezeInvoice,
  execute(ctx, p) {
    const inv = loadInvoice(ctx.state, p.id);
    if (inv === undefined) return reject('INVOICE_NOT_FOUND', { id: p.id });
    if (!inv.frozen) return reject('INVOICE_NOT_FROZEN', { id: p.id });
    saveInvoice(ctx.state, changed(ctx, inv, { frozen: false, frozenReason: null }));
    ctx.emit({ subject: 'invoice', id: p.id, action: 'unfrozen', data: { reason: p.reason } });
    return OK;
  },
};
