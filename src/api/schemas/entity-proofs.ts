import { Type, type Static, type TSchema } from 'typebox';
import { RoleJson } from './accounts.js';
import { AmountString, Cursor, HistoryEntry, IdString, Nullable, PageQueryFields, UInt } from './common.js';
import { InvoiceStatus } from './invoices.js';
import { StateAnswer } from './proofs.js';
import { TxAnswer } from './transactions.js';

// The proven forms of contract records: exactly the fields of the stored tuple, in its order
// (docs/state-layout.md), amounts as decimal strings. They differ from the plain answers
// (InvoiceJson, AssetJson, AccountJson), which are views: the SDK decodes the proven bytes
// itself and compares them with `value` field by field.

/** `?proof=true` on an entity read or history. */
const proofField = { proof: Type.Optional(Type.Enum(['true', 'false'], { description: 'true: answer with the state (or inclusion) proofs' })) };
export const ProofQuery = Type.Object(proofField, { additionalProperties: false });
/** `?proof=true` with the paging of a history. */
export const HistoryProofQuery = Type.Object({ ...PageQueryFields, ...proofField }, { additionalProperties: false });

/** An invoice record as stored under 'inv/<id>'. */
export const InvoiceRecordJson = Type.Object(
  {
    id: IdString, seller: IdString, buyer: IdString, holder: IdString, amount: AmountString, paid: AmountString,
    currency: Type.String(), dueDate: Type.String(), fingerprint: Type.String(), status: InvoiceStatus, frozen: Type.Boolean(),
    frozenReason: Nullable(Type.String()), financier: Nullable(IdString), advance: Nullable(AmountString), parent: Nullable(IdString),
    root: IdString, offset: AmountString, parts: Type.Array(IdString), createdHeight: UInt, updatedHeight: UInt,
  },
  { additionalProperties: false },
);
/** JSON form of InvoiceRecordJson. */
export type InvoiceRecordJson = Static<typeof InvoiceRecordJson>;

/** An asset record as stored under 'asset/<id>'. */
export const AssetRecordJson = Type.Object(
  {
    id: IdString, kind: Type.String(), fingerprint: Type.String(), metadata: Type.Record(Type.String(), Type.Unknown()),
    owner: IdString, pledgee: Nullable(IdString), frozen: Type.Boolean(), frozenReason: Nullable(Type.String()),
    registeredBy: IdString, createdHeight: UInt, updatedHeight: UInt,
  },
  { additionalProperties: false },
);
/** JSON form of AssetRecordJson. */
export type AssetRecordJson = Static<typeof AssetRecordJson>;

/** An account record as stored under 'acct/<id>' (nextNonce as committed: pending transactions not counted). */
export const AccountRecordJson = Type.Object(
  { id: IdString, publicKey: Type.String(), name: Type.String(), role: RoleJson, nextNonce: UInt },
  { additionalProperties: false },
);
/** JSON form of AccountRecordJson. */
export type AccountRecordJson = Static<typeof AccountRecordJson>;

/** The proven answer of an entity: its state key (text), decoded value (null: absent) and state proof. */
function EntityProof<T extends TSchema>(record: T) {
  return Type.Object({ key: Type.String(), value: Nullable(record), state: StateAnswer }, { additionalProperties: false });
}

export const InvoiceProof = EntityProof(InvoiceRecordJson);
/** JSON form of InvoiceProof. */
export type InvoiceProof = Static<typeof InvoiceProof>;
export const AssetProof = EntityProof(AssetRecordJson);
/** JSON form of AssetProof. */
export type AssetProof = Static<typeof AssetProof>;
export const AccountProof = EntityProof(AccountRecordJson);
/** JSON form of AccountProof. */
export type AccountProof = Static<typeof AccountProof>;

/** A page of history whose every entry carries the inclusion proof of its transaction. */
export const ProvenHistory = Type.Object(
  {
    id: IdString,
    items: Type.Array(Type.Object({ ...HistoryEntry.properties, tx: TxAnswer }, { additionalProperties: false })),
    nextCursor: Nullable(Cursor),
  },
  { additionalProperties: false },
);
/** JSON form of ProvenHistory. */
export type ProvenHistory = Static<typeof ProvenHistory>;
