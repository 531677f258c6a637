import type { TxHandler } from '../../types.js';
import { expectKeys, payloadValidator, readId, readText } from '../payload-reader.js';
import { OK, reject } from '../tx-result.js';
import { loadAsset, saveAsset } from './types.js';

/** asset.freeze / asset.unfreeze payload. */
export interface FreezeAssetPayload {
  readonly id: string;
  readonly reason: string;
}

/** Longest freeze reason. */
export const MAX_ASSET_REASON_LENGTH = 512;

/** Validator shared by freeze and unfreeze: {id, reason}. */
export const validateFreezeAsset = payloadValidator((p): FreezeAssetPayload => {
  expectKeys(p, ['id', 'reason']);
  return { id: readId(p, 'id'), reason: readText(p, 'reason', MAX_ASSET_REASON_LENGTH) };
});

/** asset.freeze {id, reason}, by a regulator: no transfer, pledge or release until unfrozen. */
export const freezeAsset: TxHandler<FreezeAssetPayload> = {
  type: 'asset.freeze',
  roles: ['regulator'],
  validate: validateFreezeAsset,
  execute(ctx, p) {
    const a = loadAsset(ctx.state, p.id);
    if (a === undefined) return reject('ASSET_NOT_FOUND', { id: p.id });
    if (a.frozen) return reject('ASSET_FROZEN', { id: p.id });
    saveAsset(ctx.state, { ...a, frozen: true, frozenReason: p.reason, updatedHeight: ctx.height });
    ctx.emit({ subject: 'asset', id: p.id, action: 'frozen', data: { reason: p.reason } });
    return OK;
  },
};
