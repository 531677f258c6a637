import type { TxHandler } from '../../types.js';
import { OK } from '../tx-result.js';
import { loadOwnAssetFor, validateAssetTo, type AssetToPayload } from './transfer.js';
import { saveAsset } from './types.js';

/** asset.pledge {id, to}, by the owner, to a pledgee; not while already pledged or frozen. */
export const pledgeAsset: TxHandler<AssetToPayload> = {
  type: 'asset.pledge',
  roles: ['integrator', 'member'],
  validate: validateAssetTo,
  execute(ctx, p) {
    const a = loadOwnAssetFor(ctx, p);
    if ('ok' in a) return a;
    saveAsset(ctx.state, { ...a, pledgee: p.to, updatedHeight: ctx.height });
    ctx.emit({ subject: 'asset', id: p.id, action: 'pledged', data: { owner: a.owner, pledgee: p.to } });
    return OK;
  },
};
