import type { Hash, Payload, PublicKey, Signature } from './primitives.js';

/** The signed part of a transaction (docs/transactions.md, The envelope). */
export interface TxBody {
  readonly chainId: string;
  readonly type: string;
  readonly signer: PublicKey;
  /** Per signer, strictly increasing by one, starting at 0. */
  readonly nonce: number;
  readonly payload: Payload;
}

/** A transaction with its ed25519 signature over DOMAIN_TX_V1 ‖ encodeTxBody(body). */
export interface TxEnvelope extends TxBody {
  readonly signature: Signature;
}

/**
 * A transaction as it travels inside the node once admitted: the decoded envelope plus the
 * canonical bytes and hash, so no later stage re-encodes or re-hashes it.
 */
export interface AdmittedTx {
  readonly tx: TxEnvelope;
  /** encodeTxEnvelope(tx): what goes into blocks. */
  readonly bytes: Uint8Array;
  /** sha256(encodeTxBody(tx)): the transaction hash (excludes the signature). */
  readonly hash: Hash;
}

/** Outcome of executing one transaction inside a block. */
export interface TxReceipt {
  readonly hash: Hash;
  /** true when the handler succeeded and its writes were kept. */
  readonly ok: boolean;
  /** Stable UPPER_SNAKE code when ok is false. */
  readonly code: string | null;
  /** Small structured detail for rejections, e.g. {id: 'INV-1'}. */
  readonly detail: Readonly<Record<string, string | number>> | null;
}
