import { Type, type Static } from 'typebox';
import { FinalityFields } from './chain.js';
import { BytesHex, Hash32, HeightInt, Nullable } from './common.js';

/** Longest state key accepted, in bytes (keys are contract prefixes plus ids). */
export const MAX_STATE_KEY_BYTES = 1024;

/** GET /v1/proofs/state query: the state key as hex. */
export const StateProofQuery = Type.Object(
  { key: Type.String({ pattern: '^(?:[0-9a-fA-F]{2})+$', maxLength: MAX_STATE_KEY_BYTES * 2, description: 'state key, hex' }) },
  { additionalProperties: false },
);

/** A sparse Merkle proof (src/crypto/smt.ts stateProofToJson). */
export const StateProofJson = Type.Object(
  {
    key: BytesHex,
    value: Nullable(BytesHex),
    siblings: Type.Array(Hash32),
    otherLeaf: Nullable(Type.Object({ path: Hash32, valueHash: Hash32 }, { additionalProperties: false })),
  },
  { additionalProperties: false, title: 'StateProof' },
);

/**
 * The value of a key (null: absent), its proof against header.stateRoot of the block at
 * `height` (the latest committed), and the certificate that finalised that header.
 */
export const StateAnswer = Type.Object(
  {
    key: BytesHex,
    value: Nullable(BytesHex),
    proof: StateProofJson,
    stateRoot: Hash32,
    height: HeightInt,
    ...FinalityFields,
  },
  { additionalProperties: false, title: 'StateAnswer' },
);
/** JSON form of StateAnswer. */
export type StateAnswer = Static<typeof StateAnswer>;
