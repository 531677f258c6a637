import { isValidPublicKey } from '../../../crypto/ed25519.js';
import type { Role } from '../../../types/primitives.js';
import { fromHex } from '../../../util/bytes.js';
import type { TxHandler } from '../../types.js';
import { expectKeys, NAME_RE, payloadValidator, readKeyHex, readMatch } from '../payload-reader.js';
import { OK, reject } from '../tx-result.js';
import { accountKey, publicKeyKey } from './keys.js';
import { decodeAccount, encodeAccount, encodeKeyEntry } from './types.js';

/** account.register payload. */
export interface RegisterAccountPayload {
  /** The new account's key, lower-case hex; also its id. */
  readonly publicKey: string;
  readonly role: Role;
  readonly name: string;
}

export const ROLE_RE = /^(member|integrator|auditor|regulator)$/;

/**
 * account.register {publicKey, role, name}, by a member. Creates an account whose id is the
 * key's hex. Members are created only by governance (member.propose), never here.
 */
export const registerAccount: TxHandler<RegisterAccountPayload> = {
  type: 'account.register',
  roles: ['member'],
  validate: payloadValidator((p) => {
    expectKeys(p, ['name', 'publicKey', 'role']);
    return { publicKey: readKeyHex(p, 'publicKey'), role: readMatch(p, 'role', ROLE_RE) as Role, name: readMatch(p, 'name', NAME_RE) };
  }),
  execute(ctx, p) {
    if (p.role === 'member') return reject('ROLE_NOT_REGISTRABLE', { role: p.role });
    if (ctx.state.get(publicKeyKey(p.publicKey)) !== undefined) return reject('KEY_TAKEN', { publicKey: p.publicKey });
    // PERF: point decompression (~50 µs), paid only by registrations.
    if (!isValidPublicKey(fromHex(p.publicKey) ?? new Uint8Array(0))) return reject('KEY_INVALID', { publicKey: p.publicKey });
    const account = { id: p.publicKey, publicKey: p.publicKey, name: p.name, role: p.role, nextNonce: 0 };
    ctx.state.putRecord(accountKey(account.id), account, encodeAccount, decodeAccount);
    ctx.state.put(publicKeyKey(p.publicKey), encodeKeyEntry({ accountId: account.id, active: true }));
    ctx.emit({ subject: 'account', id: account.id, action: 'registered', data: { name: p.name, role: p.role, publicKey: p.publicKey } });
    return OK;
  },
};
