import type { TxHandler } from '../../types.js';
import { OK, reject } from '../tx-result.js';
import { validateFreezeAsset, type FreezeAssetPayload } from './freeze.js';
import { loadAsset, saveAsset } from './types.js';

/** asset.unfreeze {id, reason}, by a regulator. */
export const unfreezeAsset: TxHandler<FreezeAssetPayload> = {
  type: 'asset.unfreeze',
  roles: ['regulator'],
  validate: validateFreezeAsset,
  execute(ctx, p) {
    const a = loadAsset(ctx.state, p.id);
    if (a === undefined) return reject('ASSET_NOT_FOUND', { id: p.id });
    if (!a.frozen) return reject('ASSET_NOT_FROZEN', { id: p.id });
    saveAsset(ctx.state, { ...a, frozen: false, frozenReason: null, updatedHeight: ctx.height });
    ctx.emit({ subject: 'asset', id: p.id, action: 'unfrozen', data: { reason: p.reason } });
    return OK;
  },
};
