import type { TxHandler } from '../../types.js';
import { expectKeys, payloadValidator, readId, readOptionalText } from '../payload-reader.js';
import { OK } from '../tx-result.js';
import { changed, loadUnfrozen } from './guards.js';
import { saveInvoice } from './types.js';

/** invoice.freeze / invoice.unfreeze payload; the reason is optional for invoices. */
export interface FreezeInvoicePayload {
  readonly id: string;
  readonly reason: string;
}

/** Longest freeze reason. */
export const MAX_REASON_LENGTH = 512;

/** Validator shared by freeze and unfreeze. */
export const validateFreezeInvoice = payloadValidator((p): FreezeInvoicePayload => {
  expectKeys(p, ['id'], ['reason']);
  return { id: readId(p, 'id'), reason: readOptionalText(p, 'reason', MAX_REASON_LENGTH, '') };
});

/** invoice.freeze {id, reason?}, by a regulator: the invoice accepts no change until unfrozen. */
export const freezeInvoice: TxHandler<FreezeInvoicePayload> = {
  type: 'invoice.freeze',
  roles: ['regulator'],
  validate: validateFreezeInvoice,
  execute(ctx, p) {
    const inv = loadUnfrozen(ctx, p.id);
    if ('ok' in inv) return inv;
    saveInvoice(ctx.state, changed(ctx, inv, { frozen: true, frozenReason: p.reason }));
    ctx.emit({ subject: 'invoice', id: p.id, action: 'frozen', data: { reason: p.reason } });
    return OK;
  },
};
