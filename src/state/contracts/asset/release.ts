import type { TxHandler } from '../../types.js';
import { expectKeys, payloadValidator, readId } from '../payload-reader.js';
import { OK, reject } from '../tx-result.js';
import { loadAsset, saveAsset } from './types.js';

/** asset.release payload. */
export interface ReleaseAssetPayload {
  readonly id: string;
}

/** asset.release {id}, by the pledgee: ends the pledge. Not while frozen. */
export const releaseAsset: TxHandler<ReleaseAssetPayload> = {
  type: 'asset.release',
  roles: ['integrator', 'member'],
  validate: payloadValidator((p) => {
    expectKeys(p, ['id']);
    return { id: readId(p, 'id') };
  }),
  execute(ctx, p) {
    const a = loadAsset(ctx.state, p.id);
    if (a === undefined) return reject('ASSET_NOT_FOUND', { id: p.id });
    if (a.frozen) return reject('ASSET_FROZEN', { id: p.id });
    if (a.pledgee === null) return reject('ASSET_NOT_PLEDGED', { id: p.id });
    if (ctx.signer !== a.pledgee) return reject('ASSET_NOT_PLEDGEE', { id: p.id });
    saveAsset(ctx.state, { ...a, pledgee: null, updatedHeight: ctx.height });
    ctx.emit({ subject: 'asset', id: p.id, action: 'released', data: { pledgee: a.pledgee } });
    return OK;
  },
};
