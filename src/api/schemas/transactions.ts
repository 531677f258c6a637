import { Type, type Static } from 'typebox';
import { FinalityFields, MerkleProofJson, ReceiptJson, TxFields, TxJson } from './chain.js';
import { Hash32, HeightInt, UInt } from './common.js';
import { API_ERRORS } from '../errors.js';

/** POST /v1/transactions body: a signed envelope with bytes as hex. */
export const SubmitTxBody = Type.Object(TxFields, { additionalProperties: false });
/** JSON form of SubmitTxBody. */
export type SubmitTxBody = Static<typeof SubmitTxBody>;

/** 202 answer: the transaction hash (sha256 of the signed body). */
export const SubmitTxAccepted = Type.Object({ hash: Hash32 }, { additionalProperties: false, title: 'SubmitTxAccepted' });

/** Transaction statuses (docs/api.md). `unknown` comes with 404. */
export const TxStatus = Type.Enum(['pending', 'committed', 'rejected', 'unknown']);
/** One of TxStatus. */
export type TxStatus = Static<typeof TxStatus>;

/**
 * GET /v1/transactions/:hash. `pending` carries only `tx`; `committed` and `rejected` (executed
 * in a block, but refused by its contract) carry the position, the receipt, the inclusion
 * proof of `hash` against header.txRoot and the certificate that finalised the header.
 */
export const TxAnswer = Type.Object(
  {
    hash: Hash32,
    status: TxStatus,
    tx: TxJson,
    height: Type.Optional(HeightInt),
    index: Type.Optional(UInt),
    receipt: Type.Optional(ReceiptJson),
    proof: Type.Optional(MerkleProofJson),
    header: Type.Optional(FinalityFields.header),
    blockHash: Type.Optional(FinalityFields.blockHash),
    commitQc: Type.Optional(FinalityFields.commitQc),
    certifiedHeight: Type.Optional(FinalityFields.certifiedHeight),
    links: Type.Optional(FinalityFields.links),
  },
  { additionalProperties: false, title: 'TxAnswer' },
);
/** JSON form of TxAnswer. */
export type TxAnswer = Static<typeof TxAnswer>;

/** 404 for a hash the node never saw: the error envelope plus `status: unknown`. */
export const TxUnknown = Type.Object(
  {
    error: Type.Object(
      { code: Type.Literal('TX_UNKNOWN', { description: API_ERRORS.TX_UNKNOWN.description }), message: Type.String() },
      { additionalProperties: false },
    ),
    hash: Hash32,
    status: Type.Literal('unknown'),
  },
  { additionalProperties: false, title: 'TxUnknown' },
);
