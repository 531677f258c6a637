import type { TxHandler } from '../../types.js';
import { ASSET_PARTY_ROLES, checkParty } from '../parties.js';
import { expectKeys, payloadValidator, readId, readKeyHex } from '../payload-reader.js';
import { OK, reject } from '../tx-result.js';
import { loadAsset, saveAsset } from './types.js';

/** asset.transfer / asset.pledge payload. */
export interface AssetToPayload {
  readonly id: string;
  /** Account id of the new owner (transfer) or the pledgee (pledge). */
  readonly to: string;
}

/** Validator for {id, to}. */
export const validateAssetTo = payloadValidator((p): AssetToPayload => {
  expectKeys(p, ['id', 'to']);
  return { id: readId(p, 'id'), to: readKeyHex(p, 'to') };
});

/** asset.transfer {id, to}, by the owner; not while pledged or frozen. */
export const transferAsset: TxHandler<AssetToPayload> = {
  type: 'asset.transfer',
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
    saveAsset(ctx.state, { ...a, owner: p.to, updatedHeight: ctx.height });
    ctx.emit({ subject: 'asset', id: p.id, action: 'transferred', data: { from: a.owner, to: p.to } });
    return OK;
  },
};
