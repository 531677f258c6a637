import type { TxHandler } from '../../types.js';
import { ASSET_PARTY_ROLES, checkParty } from '../parties.js';
import { OK, reject } from '../tx-result.js';
import { validateAssetTo, type AssetToPayload } from './transfer.js';
import { loadAsset, saveAsset } from './types.js';

/** asset.pledge {id, to}, by the owner, to a pledgee; not while already pledged or frozen. */
export const pledgeAsset: TxHandler<AssetToPayload> = {
  type: 'asset.pledge',
  roles: ['integrator', 'member'],
  validate: validateAssetTo,
  execute(ctx, p) {
    const a = loadAsset(ctx.state, p.id);
    if (a === undefined) return reject('ASSET_NOT_FOUND', { id: p.id });
    if (a.frozen) return reject('ASSET_FROZEN', { id: p.id });
    if (ctx.signer !== a.owner) return reject('ASSET_NOT_OWNER', { id: p.id });
    if (a.pledgee !== null) return reject('ASSET_PLEDGED', { id: p.id, pledgee: a.pledgee });
    if (p.to === a.owner) return reject('ASSET_TO_SELF', { id: p.id });
    const party = checkParty(ctx.state, p.to, 'to', ASSET_PARTY_ROLES);
    if (party !== null) return party;
    saveAsset(ctx.state, { ...a, pledgee: p.to, updatedHeight: ctx.height });
    ctx.emit({ subject: 'asset', id: p.id, action: 'pledged', data: { owner: a.owner, pledgee: p.to } });
    return OK;
  },
};
