import type { TxContext, TxHandler, TxResult } from '../../types.js';
import { ASSET_PARTY_ROLES, checkParty } from '../parties.js';
import { expectKeys, payloadValidator, readId, readKeyHex } from '../payload-reader.js';
import { OK, reject } from '../tx-result.js';
import { loadAsset, saveAsset, type Asset } from './types.js';

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

/**
 * The asset `p.id`, when its owner may hand it to `p.to` (transfer or pledge): it exists, is
 * neither frozen nor pledged, the signer owns it, and `p.to` is another eligible account.
 * Otherwise the rejection to return.
 */
export function loadOwnAssetFor(ctx: TxContext, p: AssetToPayload): Asset | TxResult {
  const a = loadAsset(ctx.state, p.id);
  if (a === undefined) return reject('ASSET_NOT_FOUND', { id: p.id });
  if (a.frozen) return reject('ASSET_FROZEN', { id: p.id });
  if (ctx.signer !== a.owner) return reject('ASSET_NOT_OWNER', { id: p.id });
  if (a.pledgee !== null) return reject('ASSET_PLEDGED', { id: p.id, pledgee: a.pledgee });
  if (p.to === a.owner) return reject('ASSET_TO_SELF', { id: p.id });
  return checkParty(ctx.state, p.to, 'to', ASSET_PARTY_ROLES) ?? a;
}

/** asset.transfer {id, to}, by the owner; not while pledged or frozen. */
export const transferAsset: TxHandler<AssetToPayload> = {
  type: 'asset.transfer',
  roles: ['integrator', 'member'],
  validate: validateAssetTo,
  execute(ctx, p) {
    const a = loadOwnAssetFor(ctx, p);
    if ('ok' in a) return a;
    saveAsset(ctx.state, { ...a, owner: p.to, updatedHeight: ctx.height });
    ctx.emit({ subject: 'asset', id: p.id, action: 'transferred', data: { from: a.owner, to: p.to } });
    return OK;
  },
};
