import { Type, type Static } from 'typebox';
import { Hash32, HeightInt, Nullable, PayloadObject, PublicKeyHex, SignatureHex, UInt } from './common.js';

// JSON forms of the chain's domain types (src/types/block.ts, tx.ts). Field names follow the
// domain types one to one, so a verifier can rebuild the exact bytes that were hashed and
// signed (src/client/verify.ts does).

/** VoteData: what members sign. */
export const VoteDataJson = Type.Object(
  { epoch: UInt, view: UInt, height: UInt, blockHash: Hash32, parentView: UInt, parentHash: Hash32 },
  { additionalProperties: false, title: 'VoteData' },
);

/** A quorum certificate: > 2/3 of members signed `data`. */
export const QuorumCertJson = Type.Object(
  {
    data: VoteDataJson,
    signatures: Type.Array(Type.Object({ member: UInt, signature: SignatureHex }, { additionalProperties: false })),
  },
  { additionalProperties: false, title: 'QuorumCert' },
);
/** JSON form of a QuorumCert. */
export type QuorumCertJson = Static<typeof QuorumCertJson>;

/** A block header; sha256 of its canonical encoding is the block hash. */
export const HeaderJson = Type.Object(
  {
    chainId: Type.String(),
    epoch: UInt,
    height: HeightInt,
    view: UInt,
    parentHash: Hash32,
    txRoot: Hash32,
    stateRoot: Hash32,
    receiptsRoot: Hash32,
    proposer: UInt,
    timestampMs: UInt,
    parentQc: Nullable(QuorumCertJson),
  },
  { additionalProperties: false, title: 'Header' },
);
/** JSON form of a BlockHeader. */
export type HeaderJson = Static<typeof HeaderJson>;

/** A signed transaction envelope, as submitted (and as shown, with its hash). */
export const TxFields = {
  chainId: Type.String({ maxLength: 64 }),
  type: Type.String({ maxLength: 65 }),
  signer: PublicKeyHex,
  nonce: UInt,
  payload: PayloadObject,
  signature: SignatureHex,
};

/** A transaction inside an answer: its hash plus the envelope fields. */
export const TxJson = Type.Object({ hash: Hash32, ...TxFields }, { additionalProperties: false, title: 'Tx' });
/** JSON form of a transaction with its hash. */
export type TxJson = Static<typeof TxJson>;

/** Outcome of a committed transaction. */
export const ReceiptJson = Type.Object(
  {
    hash: Hash32,
    ok: Type.Boolean(),
    code: Nullable(Type.String()),
    detail: Nullable(Type.Record(Type.String(), Type.Union([Type.String(), Type.Integer()]))),
  },
  { additionalProperties: false, title: 'Receipt' },
);
/** JSON form of a TxReceipt. */
export type ReceiptJson = Static<typeof ReceiptJson>;

/** A committed block with its transactions, receipts and commit certificate. */
export const BlockJson = Type.Object(
  {
    hash: Hash32,
    header: HeaderJson,
    txs: Type.Array(TxJson),
    receipts: Type.Array(ReceiptJson),
    commitQc: QuorumCertJson,
    certifiedHeight: HeightInt,
    suffix: Type.Optional(Type.Array(HeaderJson, {
      description: 'only on the last block of an epoch committed as an ancestor: the headers of its empty suffix, from height+1 to certifiedHeight, which link it to the block commitQc certifies (those blocks never enter the chain)',
    })),
  },
  { additionalProperties: false, title: 'Block' },
);
/** JSON form of a committed block. */
export type BlockJson = Static<typeof BlockJson>;

/** An RFC 6962 inclusion proof (src/crypto/merkle.ts MerkleProof). */
export const MerkleProofJson = Type.Object(
  { index: UInt, size: UInt, siblings: Type.Array(Hash32) },
  { additionalProperties: false, title: 'MerkleProof' },
);

/**
 * What proves a header final: the commit certificate and, when the certificate is for a later
 * block (certifiedHeight > height), the headers height+1..certifiedHeight linking it there.
 */
export const FinalityFields = {
  header: HeaderJson,
  blockHash: Hash32,
  commitQc: QuorumCertJson,
  certifiedHeight: HeightInt,
  links: Type.Array(HeaderJson),
};
