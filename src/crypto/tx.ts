import { DOMAIN_TX_V1, signingBytes } from '../codec/domains.js';
import { canonicalPayload } from '../codec/payload.js';
import { decodeTxEnvelope, encodeTxBody, encodeTxEnvelope, txSigningMessage } from '../codec/tx.js';
import type { AdmittedTx, TxBody, TxEnvelope } from '../types/tx.js';
import type { Hash } from '../types/primitives.js';
import { signMessage, verifySignature, type SigningKey } from './ed25519.js';
import { sha256 } from './hash.js';

/** Builds and signs a transaction (payload made canonical first). */
export function signTx(key: SigningKey, body: Omit<TxBody, 'signer'>): TxEnvelope {
  const full: TxBody = { ...body, signer: key.publicKey, payload: canonicalPayload(body.payload) };
  const bodyBytes = encodeTxBody(full);
  return { ...full, signature: signMessage(key, signingBytes(DOMAIN_TX_V1, full.chainId, bodyBytes)) };
}

/** The transaction hash: sha256 of the body bytes (the signature is excluded). */
export function txHash(tx: TxBody): Hash {
  return sha256(encodeTxBody(tx));
}

/**
 * A transaction ready for its one signature check: decoded, with its canonical bytes, its hash
 * and the message its signature must verify over, each computed once.
 */
export interface PreparedTx extends AdmittedTx {
  /** DOMAIN_TX_V1 ‖ len(chainId) ‖ chainId ‖ encodeTxBody(tx). */
  readonly message: Uint8Array;
}

function prepared(tx: TxEnvelope, bytes: Uint8Array): PreparedTx {
  const { message, bodyOffset } = txSigningMessage(bytes, tx.chainId);
  return { tx, bytes, hash: sha256(message.subarray(bodyOffset)), message };
}

/**
 * Prepares a decoded envelope (REST): one canonical encode; the body, hash and signed message
 * come from those bytes (txSigningMessage). The payload must be canonical (normaliseTxEnvelope).
 */
export function prepareTx(tx: TxEnvelope): PreparedTx {
  return prepared(tx, encodeTxEnvelope(tx));
}

/**
 * Prepares received envelope bytes (gossip): one canonical decode, and the bytes themselves are
 * kept as the transaction's bytes, never re-encoded (decodeTxEnvelope proved them canonical, so
 * they equal encodeTxEnvelope of the result). Throws DecodeError for anything else. `bytes`
 * must not be a view of a buffer that is reused later (the pool keeps it).
 */
export function prepareEncodedTx(bytes: Uint8Array): PreparedTx {
  return prepared(decodeTxEnvelope(bytes), bytes);
}

/** The one ed25519 verification of a prepared transaction (node:crypto, ed25519.ts policy). */
export function verifyPreparedTx(p: PreparedTx): boolean {
  return verifySignature(p.tx.signer, p.message, p.tx.signature);
}

/**
 * Checks the signature of a decoded envelope and returns it with its bytes and hash, ready for
 * the pool; null when the signature is invalid. PERF: one encode, one sha256, one verify.
 */
export function admitSignedTx(tx: TxEnvelope): AdmittedTx | null {
  const p = prepareTx(tx);
  return verifyPreparedTx(p) ? { tx, bytes: p.bytes, hash: p.hash } : null;
}
