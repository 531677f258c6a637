import { Type, type Static } from 'typebox';
import { Hash32, HeightInt, Nullable, PublicKeyHex, UInt } from './common.js';

/** GET /v1/events query. Without fromHeight the stream starts after the current head. */
export const EventsQuery = Type.Object({ fromHeight: Type.Optional(HeightInt) }, { additionalProperties: false });

/** Last-Event-ID (the height last seen) resumes a stream after that height; it wins over fromHeight. */
export const EventsHeaders = Type.Object({ 'last-event-id': Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })) });

/** One committed transaction in a block event. */
export const TxEventJson = Type.Object(
  {
    hash: Hash32,
    type: Type.String(),
    signer: PublicKeyHex,
    status: Type.Enum(['committed', 'rejected']),
    code: Nullable(Type.String()),
  },
  { additionalProperties: false, title: 'TxEvent' },
);

/** `event: block` data: a committed block and the outcome of each of its transactions. */
export const BlockEventJson = Type.Object(
  {
    height: HeightInt,
    hash: Hash32,
    view: UInt,
    timestampMs: UInt,
    txs: Type.Array(TxEventJson),
  },
  { additionalProperties: false, title: 'BlockEvent' },
);
/** JSON form of BlockEventJson. */
export type BlockEventJson = Static<typeof BlockEventJson>;
