import { DOMAIN_TX_V1, signingBytes } from '../codec/domains.js';
import { canonicalPayload } from '../codec/payload.js';
import { encodeTxBody, encodeTxEnvelope } from '../codec/tx.js';
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
 * Checks the signature of a decoded envelope and returns it with its bytes and hash, ready for
 * the pool; null when the signature is invalid. PERF: one encode, one sha256, one verify.
 */
export function admitSignedTx(tx: TxEnvelope): AdmittedTx | null {
  const bodyBytes = encodeTxBody(tx);
  if (!verifySignature(tx.signer, signingBytes(DOMAIN_TX_V1, tx.chainId, bodyBytes), tx.signature)) return null;
  return { tx, bytes: encodeTxEnvelope(tx), hash: sha256(bodyBytes) };
}
