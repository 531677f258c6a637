import type { TxHandler } from '../../types.js';
import { expectKeys, payloadValidator, readId, readKeyHex } from '../payload-reader.js';
import { OK, reject } from '../tx-result.js';
import { loadUnfrozen } from './guards.js';
import { loadFinanceRequests, saveFinanceRequests } from './types.js';

/** invoice.withdraw payload. */
export interface WithdrawFinancingPayload {
  readonly id: string;
  readonly financier: string;
}

/** invoice.withdraw {id, financier}, by the holder: takes back its open request to that financier. */
export const withdrawFinancing: TxHandler<WithdrawFinancingPayload> = {
  type: 'invoice.withdraw',
  roles: ['integrator'],
  validate: payloadValidator((p) => {
    expectKeys(p, ['financier', 'id']);
    return { id: readId(p, 'id'), financier: readKeyHex(p, 'financier') };
  }),
  execute(ctx, p) {
    const inv = loadUnfrozen(ctx, p.id);
    if ('ok' in inv) return inv;
    if (ctx.signer !== inv.holder) return reject('INVOICE_NOT_HOLDER', { id: p.id });
    const reqs = loadFinanceRequests(ctx.state, p.id);
    if (!reqs.some((r) => r.financier === p.financier && r.holder === ctx.signer)) return reject('FINANCE_REQUEST_NOT_FOUND', { id: p.id });
    saveFinanceRequests(ctx.state, p.id, reqs.filter((r) => r.financier !== p.financier));
    ctx.emit({ subject: 'invoice', id: p.id, action: 'financeWithdrawn', data: { financier: p.financier } });
    return OK;
  },
};
