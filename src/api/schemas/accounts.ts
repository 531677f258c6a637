import { Type, type Static } from 'typebox';
import { IdString, PublicKeyHex, UInt } from './common.js';

/** `:publicKey` path parameter: the account's current key (hex) or its id. */
export const AccountParams = Type.Object({ publicKey: IdString }, { additionalProperties: false });

/** Account roles (docs/transactions.md, Roles). */
export const RoleJson = Type.Enum(['member', 'integrator', 'auditor', 'regulator']);

/** An account. `nextNonce` is the nonce to sign the signer's next transaction with. */
export const AccountJson = Type.Object(
  {
    publicKey: PublicKeyHex,
    name: Type.String(),
    role: RoleJson,
    nextNonce: UInt,
  },
  { additionalProperties: false, title: 'Account' },
);
/** JSON form of AccountJson. */
export type AccountJson = Static<typeof AccountJson>;
