import { DecodeError } from '../codec/errors.js';
import { unpackTrusted } from '../codec/msgpack.js';
import { readBytes, readInt, readString, readTuple } from '../codec/read.js';
import { CHAIN_ID_RE, decodeTxEnvelope, MAX_TX_BYTES, TX_TYPE_RE, txSigningMessage } from '../codec/tx.js';
import { verifySignature } from '../crypto/ed25519.js';
import { sha256Binary } from '../crypto/hash.js';
import type { Hash, Payload, Signature } from '../types/primitives.js';
import type { TxEnvelope } from '../types/tx.js';
import { TX_HANDLERS } from './contracts/registry.js';

/** Why a transaction makes its block invalid before any contract runs. */
export type TxAdmissionFailure = 'TX_UNDECODABLE' | 'TX_WRONG_CHAIN' | 'TX_BAD_SIGNATURE';

/** A block transaction, decoded, hashed and authenticated. */
export type BlockTx =
  | { readonly ok: true; readonly tx: TxEnvelope; readonly hash: Hash; /** hash as a 32-char binary string */ readonly hashBin: string }
  | { readonly ok: false; readonly code: TxAdmissionFailure; readonly message: string };

// An envelope is fixarray(6) [chainId, type, signer, nonce, payload, bin8(64) signature] and
// its body fixarray(5) of the same first five fields: body = 0x95 ‖ envelope[1 .. n-66].
const TRAILER = 66;

// The body is rebuilt here to be hashed. PERF: a slice of 200+ bytes gets its own
// ArrayBuffer (a malloc and a GC finaliser); one reused array costs a copy, and its views are
// kept per length (at most MAX_TX_BYTES of them) so hashing a body allocates nothing.
const bodyScratch = new Uint8Array(MAX_TX_BYTES);
const bodyViews = new Map<number, Uint8Array>();

function bodyView(len: number): Uint8Array {
  let v = bodyViews.get(len);
  if (v === undefined) {
    v = bodyScratch.subarray(0, len);
    bodyViews.set(len, v);
  }
  return v;
}

/**
 * Decodes one transaction of a proposed block, computes its hash and checks its signature.
 *
 * Fast path: when `isVerified(hash, signature)` says this node already verified the
 * transaction (the mempool cache), its body bytes hash to a body this node decoded
 * canonically at admission, so they ARE that canonical encoding (sha256 collision resistance)
 * and the envelope is decoded with unpackTrusted. PERF: skips the canonical re-encode and the
 * signature (~5 µs + ~60 µs). Anything else takes the full path: canonical decode, hash,
 * signature. Never throws for bad input.
 */
export function decodeBlockTx(bytes: Uint8Array, chainId: string, isVerified?: (hash: Hash, signature: Signature) => boolean): BlockTx {
  const n = bytes.length;
  if (isVerified !== undefined && n > TRAILER + 1 && n <= MAX_TX_BYTES && bytes[0] === 0x96 && bytes[n - TRAILER] === 0xc4 && bytes[n - TRAILER + 1] === 0x40) {
    bodyScratch.set(bytes);
    bodyScratch[0] = 0x95;
    const hashBin = sha256Binary(bodyView(n - TRAILER));
    const hash = bytesOfHash(hashBin);
    const signature = bytes.subarray(n - 64);
    if (isVerified(hash, signature)) {
      let tx: TxEnvelope;
      try {
        tx = decodeTrusted(bytes);
      } catch (e) {
        if (e instanceof DecodeError) return { ok: false, code: 'TX_UNDECODABLE', message: e.message };
        throw e;
      }
      return tx.chainId === chainId ? { ok: true, tx, hash, hashBin } : { ok: false, code: 'TX_WRONG_CHAIN', message: 'transaction is for another chain' };
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
  const hashBin = sha256Binary(message.subarray(bodyOffset));
  const hash = bytesOfHash(hashBin);
  if (!(isVerified?.(hash, tx.signature) ?? false) && !verifySignature(tx.signer, message, tx.signature)) {
    return { ok: false, code: 'TX_BAD_SIGNATURE', message: 'signature does not verify' };
  }
  return { ok: true, tx, hash, hashBin };
}

// The last chain id that passed readString: the same string passes again. PERF: one compare
// instead of a regex per transaction.
let checkedChainId = '';

// Shapes are still checked (a cache is not a proof of shape), canonical form is not. PERF: a
// chain id seen before and a type the registry knows (each passed TX_TYPE_RE, a test checks)
// skip their regexes; anything else gets the same checks as before.
function decodeTrusted(bytes: Uint8Array): TxEnvelope {
  const t = readTuple(unpackTrusted(bytes), 'tx', 6);
  const payload = t[4];
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload) || payload instanceof Uint8Array) {
    throw new DecodeError('DECODE_BAD_FIELD', 'payload: expected object', { field: 'payload' });
  }
  const type = t[1];
  return {
    chainId: t[0] === checkedChainId ? checkedChainId : (checkedChainId = readString(t[0], 'chainId', 64, CHAIN_ID_RE)),
    type: typeof type === 'string' && TX_HANDLERS.has(type) ? type : readString(type, 'type', 65, TX_TYPE_RE),
    signer: readBytes(t[2], 'signer', 32),
    nonce: readInt(t[3], 'nonce'),
    payload: payload as Payload,
    signature: readBytes(t[5], 'signature', 64),
  };
}

// A 32-char binary string hash as bytes (a plain, unshared Uint8Array).
function bytesOfHash(bin: string): Hash {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = bin.charCodeAt(i);
  return out;
}
