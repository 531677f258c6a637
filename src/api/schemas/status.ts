import { Type, type Static } from 'typebox';
import { Hash32, PublicKeyHex, UInt } from './common.js';

/** GET /v1/status: identity, progress, health and readiness of the node. */
export const StatusJson = Type.Object(
  {
    chainId: Type.String(),
    node: Type.String({ description: 'this member\'s name' }),
    height: UInt,
    headHash: Hash32,
    view: UInt,
    epoch: UInt,
    members: UInt,
    peersConnected: UInt,
    ready: Type.Boolean({ description: 'started, caught up and able to accept transactions (false while syncing)' }),
    syncing: Type.Boolean({ description: 'catching up from peers; heights may lag the chain, and writes answer 503 NODE_SYNCING' }),
    targetHeight: Type.Integer({ minimum: 0, description: 'while syncing, the highest head peers reported; otherwise height' }),
    syncProgress: Type.Number({ minimum: 0, maximum: 1, description: 'share of the catch-up done (1 when not syncing)' }),
    validator: Type.Boolean({ description: 'this node\'s key is in the member set in force and it votes; false while it only follows the chain (not voted in yet, or voted out)' }),
    version: Type.String({ description: 'version of the running node software (package.json), e.g. 0.1.0; compare across members during a rolling upgrade' }),
    commit: Type.String({ description: 'git commit the running build came from, or "unknown" when the build did not record one' }),
  },
  { additionalProperties: false, title: 'Status' },
);
/** JSON form of StatusJson. */
export type StatusJson = Static<typeof StatusJson>;

/** One member of the validator set. */
export const MemberJson = Type.Object(
  { index: UInt, name: Type.String(), publicKey: PublicKeyHex, address: Type.String() },
  { additionalProperties: false, title: 'Member' },
);
/** JSON form of MemberJson. */
export type MemberJson = Static<typeof MemberJson>;

/** GET /v1/members: the member set in force at the head. */
export const MembersJson = Type.Object({ epoch: UInt, members: Type.Array(MemberJson) }, { additionalProperties: false, title: 'Members' });
/** JSON form of MembersJson. */
export type MembersJson = Static<typeof MembersJson>;

/** GET /v1/genesis: the genesis this node runs, in the form of genesis.json (`ledger init`). */
export const GenesisJson = Type.Object(
  {
    chainId: Type.String(),
    genesisTimeMs: UInt,
    consensus: Type.Object(
      {
        viewTimeoutMs: UInt, maxViewTimeoutMs: UInt, maxBlockTxs: UInt, maxBlockBytes: UInt,
        // One of the two: heartbeatMinutes, or the retired field of a genesis written before it.
        heartbeatMinutes: Type.Optional(UInt), emptyBlockIntervalMs: Type.Optional(UInt),
      },
      { additionalProperties: false },
    ),
    members: Type.Array(Type.Object({ name: Type.String(), publicKey: PublicKeyHex, address: Type.String() }, { additionalProperties: false })),
    accounts: Type.Array(Type.Object({ name: Type.String(), publicKey: PublicKeyHex, role: Type.String() }, { additionalProperties: false })),
  },
  { additionalProperties: false, title: 'Genesis', description: 'An auditor compares sha256 of its canonical encoding with the genesis hash it trusts' },
);
/** JSON form of GenesisJson. */
export type GenesisJson = Static<typeof GenesisJson>;
