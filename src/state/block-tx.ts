import { DecodeError } from '../codec/errors.js';
import { decodeStoredTxEnvelope, decodeTxEnvelope, MAX_TX_BYTES, txSigningMessage } from '../codec/tx.js';
import { verifySignature } from '../crypto/ed25519.js';
import { sha256Binary } from '../crypto/hash.js';
import type { Hash, Signature } from '../types/primitives.js';
import type { TxEnvelope } from '../types/tx.js';

/** Why a transaction makes its block invalid before any contract runs. */
export type TxAdmissionFailure = 'TX_UNDECODABLE' | 'TX_WRONG_CHAIN' | 'TX_BAD_SIGNATURE';

/** A block transaction, decoded, hashed and authenticated. */
export type BlockTx =
  | { readonly ok: true; readonly tx: TxEnvelope; readonly hash: Hash }
  | { readonly ok: false; readonly code: TxAdmissionFailure; readonly message: string };

// An envelope is fixarray(6) [chainId, type, signer, nonce, payload, bin8(64) signature] and
// its body fixarray(5) of the same first five fields: body = 0x95 ‖ envelope[1 .. n-66].
const TRAILER = 66;

/**
 * Decodes one transaction of a proposed block, computes its hash and checks its signature.
 *
 * Fast path: when `isVerified(hash, signature)` says this node already verified the
 * transaction (the mempool cache), its body bytes hash to a body this node decoded
 * canonically at admission, so they ARE that canonical encoding (sha256 collision resistance)
 * and the envelope is decoded with decodeStoredTxEnvelope. PERF: skips the canonical re-encode
 * and the signature (~9 µs + ~130 µs here). Anything else takes the full path: canonical
 * decode, hash, signature. Never throws for bad input.
 */
export function decodeBlockTx(bytes: Uint8Array, chainId: string, isVerified?: (hash: Hash, signature: Signature) => boolean): BlockTx {
  const n = bytes.length;
  if (isVerified !== undefined && n > TRAILER + 1 && n <= MAX_TX_BYTES && bytes[0] === 0x96 && bytes[n - TRAILER] === 0xc4 && bytes[n - TRAILER + 1] === 0x40) {
    const body = bytes.slice(0, n - TRAILER);
    body[0] = 0x95;
    const hash = sha256Fast(body);
    const signature = bytes.subarray(n - 64);
    if (isVerified(hash, signature)) {
      let tx: TxEnvelope;
      try {
        // Shapes are still checked (a cache is not a proof of shape), canonical form is not.
        tx = decodeStoredTxEnvelope(bytes);
      } catch (e) {
        if (e instanceof DecodeError) return { ok: false, code: 'TX_UNDECODABLE', message: e.message };
        throw e;
      }
      return tx.chainId === chainId ? { ok: true, tx, hash } : { ok: false, code: 'TX_WRONG_CHAIN', message: 'transaction is for another chain' };
    }
  }
  let tx: TxEnvelope;
  try {
    tx = decodeTxEnvelope(bytes);
  } catch (e) {
    if (e instanceof DecodeError) return { ok: false, code: 'TX_UNDECODABLE', message: e.message };
    throw e;
  }
  if (tx.chainId !== chainId) return { ok: false, code: 'TX_WRONG_CHAIN', message: 'transaction is for another chain' };
  // decodeTxEnvelope proved the bytes canonical, so the body and the signed message are sliced
  // from them (codec/tx.ts txSigningMessage) rather than encoded again.
  const { message, bodyOffset } = txSigningMessage(bytes, chainId);
  const hash = sha256Fast(message.subarray(bodyOffset));
  if (!(isVerified?.(hash, tx.signature) ?? false) && !verifySignature(tx.signer, message, tx.signature)) {
    return { ok: false, code: 'TX_BAD_SIGNATURE', message: 'signature does not verify' };
  }
  return { ok: true, tx, hash };
}

// PERF: one-shot hashing is ~3x the rate of createHash for a 200-byte body.
function sha256Fast(data: Uint8Array): Hash {
  const bin = sha256Binary(data);
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = bin.charCodeAt(i);
  return out;
}
