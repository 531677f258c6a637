import { isValidPublicKey } from '../../../crypto/ed25519.js';
import { fromHex } from '../../../util/bytes.js';
import { invariant } from '../../../util/errors.js';
import type { TxHandler } from '../../types.js';
import { expectKeys, payloadValidator, readKeyHex } from '../payload-reader.js';
import { OK, reject } from '../tx-result.js';
import { accountKey, publicKeyKey } from './keys.js';
import { decodeAccount, encodeAccount, encodeKeyEntry, loadAccount } from './types.js';

/** account.rotate payload. */
export interface RotateAccountPayload {
  /** The replacement key, lower-case hex. */
  readonly newPublicKey: string;
}

/**
 * account.rotate {newPublicKey}, by the account itself. The id stays; the old key is marked
 * inactive (it stops working at once, and is never reusable). Members rotate through
 * governance instead, because their key is also their validator key.
 */
export const rotateAccount: TxHandler<RotateAccountPayload> = {
  type: 'account.rotate',
  roles: ['integrator', 'regulator', 'member'],
  validate: payloadValidator((p) => {
    expectKeys(p, ['newPublicKey']);
    return { newPublicKey: readKeyHex(p, 'newPublicKey') };
  }),
  execute(ctx, p) {
    const account = loadAccount(ctx.state, ctx.signer);
    invariant(account !== undefined, 'signer account vanished');
    if (account.role === 'member') return reject('ACCOUNT_IS_MEMBER');
    if (ctx.state.get(publicKeyKey(p.newPublicKey)) !== undefined) return reject('KEY_TAKEN', { publicKey: p.newPublicKey });
    if (!isValidPublicKey(fromHex(p.newPublicKey) ?? new Uint8Array(0))) return reject('KEY_INVALID', { publicKey: p.newPublicKey });
    const next = { ...account, publicKey: p.newPublicKey };
    ctx.state.putRecord(accountKey(account.id), next, encodeAccount, decodeAccount);
    ctx.state.put(publicKeyKey(account.publicKey), encodeKeyEntry({ accountId: account.id, active: false }));
    ctx.state.put(publicKeyKey(p.newPublicKey), encodeKeyEntry({ accountId: account.id, active: true }));
    ctx.emit({ subject: 'account', id: account.id, action: 'rotated', data: { oldPublicKey: account.publicKey, newPublicKey: p.newPublicKey } });
    return OK;
  },
};
