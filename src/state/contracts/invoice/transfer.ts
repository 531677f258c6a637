import type { TxHandler } from '../../types.js';
import { checkParty, INVOICE_PARTY_ROLES } from '../parties.js';
import { expectKeys, payloadValidator, readId, readKeyHex } from '../payload-reader.js';
import { OK, reject } from '../tx-result.js';
import { changed, checkTradable, loadUnfrozen } from './guards.js';
import { saveInvoice } from './types.js';

/** invoice.transfer payload. */
export interface TransferInvoicePayload {
  readonly id: string;
  /** Account id of the new holder. */
  readonly to: string;
}

/** invoice.transfer {id, to}, by the holder; only accepted, unfinanced invoices. */
export const transferInvoice: TxHandler<TransferInvoicePayload> = {
  type: 'invoice.transfer',
  roles: ['integrator'],
  validate: payloadValidator((p) => {
    expectKeys(p, ['id', 'to']);
    return { id: readId(p, 'id'), to: readKeyHex(p, 'to') };
  }),
  execute(ctx, p) {
    const inv = loadUnfrozen(ctx, p.id);
    if ('ok' in inv) return inv;
    if (ctx.signer !== inv.holder) return reject('INVOICE_NOT_HOLDER', { id: p.id });
    const status = checkTradable(inv);
    if (status !== null) return status;
    if (p.to === inv.holder) return reject('INVOICE_TO_SELF', { id: p.id });
    const party = checkParty(ctx.state, p.to, 'to', INVOICE_PARTY_ROLES);
    if (party !== null) return party;
    saveInvoice(ctx.state, changed(ctx, inv, { holder: p.to }));
    ctx.emit({ subject: 'invoice', id: p.id, action: 'transferred', data: { from: inv.holder, to: p.to } });
    return OK;
  },
};
