import { Type, type Static, type TSchema } from 'typebox';

// Building blocks shared by every resource schema. Bytes travel as lower-case hex (input may
// use either case; fromHex accepts both and every answer is lower-case).

/** A 32-byte hash as hex. */
export const Hash32 = Type.String({ pattern: '^[0-9a-fA-F]{64}$', description: '32 bytes, hex' });
/** A 32-byte ed25519 public key as hex. */
export const PublicKeyHex = Type.String({ pattern: '^[0-9a-fA-F]{64}$', description: 'ed25519 public key, 32 bytes, hex' });
/** A 64-byte ed25519 signature as hex. */
export const SignatureHex = Type.String({ pattern: '^[0-9a-fA-F]{128}$', description: 'ed25519 signature, 64 bytes, hex' });
/** Bytes of any length as hex. */
export const BytesHex = Type.String({ pattern: '^(?:[0-9a-fA-F]{2})*$', maxLength: 1 << 20, description: 'bytes, hex' });
/** Caller-chosen ids of invoices and assets, and account references (docs/transactions.md, Transaction types). */
export const IdString = Type.String({ pattern: '^[A-Za-z0-9._:-]{1,128}$', description: '1-128 chars of [A-Za-z0-9._:-]' });
/** Minor-unit amount up to 2^63-1, as a decimal string (JSON numbers lose precision above 2^53). */
export const AmountString = Type.String({ pattern: '^(0|[1-9][0-9]{0,18})$', description: 'integer amount in minor units, decimal string' });
/** A block height (the first block is 1). */
export const HeightInt = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
/** A non-negative safe integer. */
export const UInt = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
/**
 * Opaque pagination cursor returned as nextCursor by a list call. Only its length is checked
 * here, so that every malformed cursor answers the one code INVALID_CURSOR (api/cursor.ts).
 */
export const Cursor = Type.String({ minLength: 1, maxLength: 1100, description: 'opaque: the nextCursor of the previous page, unchanged' });
/** A transaction payload: a JSON object (validated against the contract by the node). */
export const PayloadObject = Type.Record(Type.String(), Type.Unknown(), { description: 'transaction payload object' });

/** T or null. */
export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

/** `:hash` path parameter. */
export const HashParams = Type.Object({ hash: Hash32 }, { additionalProperties: false });
/** `:id` path parameter. */
export const IdParams = Type.Object({ id: IdString }, { additionalProperties: false });

/**
 * One page of a list and the cursor of the next (null on the last page). A page may hold
 * fewer than `limit` items (some out of the reader's scope) and still have a next one.
 */
export function Page<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), nextCursor: Nullable(Cursor) }, { additionalProperties: false });
}

/** Limits of every list endpoint (blocks, invoices, assets, histories). */
export const PAGE_LIMITS = { defaultLimit: 50, maxLimit: 100 } as const;

/** `limit` query parameter. */
export const LimitQuery = Type.Integer({ minimum: 1, maximum: PAGE_LIMITS.maxLimit, description: `items per page, 1..${PAGE_LIMITS.maxLimit} (default ${PAGE_LIMITS.defaultLimit})` });

/** `limit` and `cursor`, the paging fields every list query has. */
export const PageQueryFields = { limit: Type.Optional(LimitQuery), cursor: Type.Optional(Cursor) };

/** GET .../history query: paging only. */
export const HistoryQuery = Type.Object(PageQueryFields, { additionalProperties: false });

/** A history entry of an invoice or asset: who did what, where (docs/api.md, Routes: history). */
export const HistoryEntry = Type.Object(
  {
    height: HeightInt,
    txHash: Hash32,
    type: Type.String(),
    signer: Type.String({ pattern: '^[A-Za-z0-9._:-]{1,128}$', description: 'account id of the signer (its first public key, hex)' }),
    timestampMs: UInt,
    detail: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false, title: 'HistoryEntry' },
);
/** JSON form of HistoryEntry. */
export type HistoryEntryJson = Static<typeof HistoryEntry>;

/** A page of an invoice's or asset's history, oldest first. */
export const History = Type.Object(
  { id: IdString, items: Type.Array(HistoryEntry), nextCursor: Nullable(Cursor) },
  { additionalProperties: false, title: 'HistoryPage' },
);
