import type { Payload } from '../types/primitives.js';
import type { TxBody, TxEnvelope, TxReceipt } from '../types/tx.js';
import { invariant } from '../util/errors.js';
import { utf8 } from '../util/bytes.js';
import { DOMAIN_TX_V1 } from './domains.js';
import { pack, unpackCanonical, unpackTrusted } from './msgpack.js';
import { canonicalPayload } from './payload.js';
import { readBool, readBytes, readInt, readString, readTuple } from './read.js';
import { DecodeError } from './errors.js';

/** Largest encoded transaction accepted anywhere. */
export const MAX_TX_BYTES = 16 * 1024;
/** chain ids: short and printable. */
export const CHAIN_ID_RE = /^[A-Za-z0-9._:-]{1,64}$/;
/** Transaction type names: `contract.action`. */
export const TX_TYPE_RE = /^[a-z]{1,32}\.[a-z]{1,32}$/;

function bodyTuple(tx: TxBody): unknown[] {
  return [tx.chainId, tx.type, tx.signer, tx.nonce, tx.payload];
}

/**
 * Canonical bytes of the signed part: [chainId, type, signer, nonce, payload]. The payload
 * must already be canonical (canonicalPayload), which decodeTxEnvelope and buildTx guarantee.
 */
export function encodeTxBody(tx: TxBody): Uint8Array {
  return pack(bodyTuple(tx));
}

/** Canonical bytes of a signed transaction: [chainId, type, signer, nonce, payload, signature]. */
export function encodeTxEnvelope(tx: TxEnvelope): Uint8Array {
  const t = bodyTuple(tx);
  t.push(tx.signature);
  return pack(t);
}

// A canonical envelope is fixarray(6) [chainId, type, signer, nonce, payload, bin8(64)
// signature] and its body is fixarray(5) of the same first five fields, so the body's bytes are
// the envelope's with the array header changed and the 66-byte signature trailer cut off.
const ENVELOPE_HEADER = 0x96;
const BODY_HEADER = 0x95;
const SIGNATURE_TRAILER = 66;

/** The signed message of a transaction, and where in it the body bytes start. */
export interface TxSigningMessage {
  /** DOMAIN_TX_V1 ‖ len(chainId) ‖ chainId ‖ encodeTxBody(tx): what the signature covers. */
  readonly message: Uint8Array;
  /** message.subarray(bodyOffset) is encodeTxBody(tx), whose sha256 is the transaction hash. */
  readonly bodyOffset: number;
}

/**
 * The signed message of the transaction whose canonical envelope bytes are `envelope`
 * (encodeTxEnvelope output, or bytes decodeTxEnvelope accepted) and whose chain id is `chainId`,
 * built from those bytes: same bytes as signingBytes(DOMAIN_TX_V1, chainId, encodeTxBody(tx)),
 * proven by test/unit/codec/tx-signing-message.test.ts. PERF: one allocation and one copy
 * instead of a second msgpack encode (~3 µs) plus a concatenation.
 */
export function txSigningMessage(envelope: Uint8Array, chainId: string): TxSigningMessage {
  const n = envelope.length;
  invariant(
    n > SIGNATURE_TRAILER && envelope[0] === ENVELOPE_HEADER && envelope[n - SIGNATURE_TRAILER] === 0xc4 && envelope[n - SIGNATURE_TRAILER + 1] === 0x40,
    'txSigningMessage takes canonical envelope bytes',
  );
  const id = utf8(chainId);
  const bodyOffset = DOMAIN_TX_V1.length + 1 + id.length;
  const message = new Uint8Array(bodyOffset + n - SIGNATURE_TRAILER);
  message.set(DOMAIN_TX_V1, 0);
  message[DOMAIN_TX_V1.length] = id.length;
  message.set(id, DOMAIN_TX_V1.length + 1);
  message.set(envelope.subarray(0, n - SIGNATURE_TRAILER), bodyOffset);
  message[bodyOffset] = BODY_HEADER;
  return { message, bodyOffset };
}

/** Decodes and validates a signed transaction; throws DecodeError on anything else. */
export function decodeTxEnvelope(bytes: Uint8Array): TxEnvelope {
  const t = readTuple(unpackCanonical(bytes, MAX_TX_BYTES), 'tx', 6);
  return { ...bodyFromTuple(t), signature: readBytes(t[5], 'signature', 64) };
}

/**
 * Decodes envelope bytes whose canonical form this node already proved (a transaction it
 * admitted or verified, a committed block it stored): shapes, sizes and formats are checked,
 * canonical form and payload limits are not. Throws DecodeError. PERF: no canonical re-encode
 * and no payload copy (~3 µs against ~12 µs for decodeTxEnvelope on a 330-byte transaction).
 */
export function decodeStoredTxEnvelope(bytes: Uint8Array): TxEnvelope {
  const t = readTuple(unpackTrusted(bytes), 'tx', 6);
  const payload = t[4];
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload) || payload instanceof Uint8Array) {
    throw new DecodeError('DECODE_BAD_FIELD', 'payload: expected object', { field: 'payload' });
  }
  return {
    chainId: readString(t[0], 'chainId', 64, CHAIN_ID_RE),
    type: readString(t[1], 'type', 65, TX_TYPE_RE),
    signer: readBytes(t[2], 'signer', 32),
    nonce: readInt(t[3], 'nonce'),
    payload: payload as Payload,
    signature: readBytes(t[5], 'signature', 64),
  };
}

/** Decodes encodeTxBody bytes (what is hashed and signed); throws DecodeError on anything else. */
export function decodeTxBody(bytes: Uint8Array): TxBody {
  return bodyFromTuple(readTuple(unpackCanonical(bytes, MAX_TX_BYTES), 'txBody', 5));
}

function bodyFromTuple(t: readonly unknown[]): TxBody {
  // unpackCanonical proved every map's keys ascending, so canonicalPayload's sorted copy is
  // the same payload in the same order: re-encoding reproduces the input bytes.
  return {
    chainId: readString(t[0], 'chainId', 64, CHAIN_ID_RE),
    type: readString(t[1], 'type', 65, TX_TYPE_RE),
    signer: readBytes(t[2], 'signer', 32),
    nonce: readInt(t[3], 'nonce'),
    payload: canonicalPayload(t[4]),
  };
}

/** Validates the fields of a transaction built from JSON (API) and makes its payload canonical. */
export function normaliseTxEnvelope(tx: {
  chainId: unknown; type: unknown; signer: unknown; nonce: unknown; payload: unknown; signature: unknown;
}): TxEnvelope {
  return {
    chainId: readString(tx.chainId, 'chainId', 64, CHAIN_ID_RE),
    type: readString(tx.type, 'type', 65, TX_TYPE_RE),
    signer: readBytes(tx.signer, 'signer', 32),
    nonce: readInt(tx.nonce, 'nonce'),
    payload: canonicalPayload(tx.payload),
    signature: readBytes(tx.signature, 'signature', 64),
  };
}

/** Receipts: [hash, ok, code, detail] with detail as a sorted map or null. */
export function encodeReceipt(r: TxReceipt): Uint8Array {
  if (r.ok && r.code === null && r.detail === null && r.hash.length === 32) return encodeOkReceipt(r.hash);
  return pack(receiptTuple(r));
}

// PERF: the bytes pack() gives a successful receipt — fixarray(4), bin8(32) hash, true, nil,
// nil — written directly (test/unit/codec/fields.test.ts compares them): most receipts of a
// block are successes, and the receipts root encodes each one.
function encodeOkReceipt(hash: Uint8Array): Uint8Array {
  const out = new Uint8Array(38);
  out[0] = 0x94;
  out[1] = 0xc4;
  out[2] = 0x20;
  out.set(hash, 3);
  out[35] = 0xc3;
  out[36] = 0xc0;
  out[37] = 0xc0;
  return out;
}

/** The tuple form of a receipt (also used inside stored block results). */
export function receiptTuple(r: TxReceipt): unknown[] {
  return [r.hash, r.ok, r.code, r.detail === null ? null : canonicalPayload(r.detail)];
}

/** Inverse of receiptTuple. */
export function receiptFromTuple(v: unknown): TxReceipt {
  const t = readTuple(v, 'receipt', 4);
  const code = t[2] === null ? null : readString(t[2], 'receipt.code', 64);
  let detail: Record<string, string | number> | null = null;
  if (t[3] !== null) {
    const p: Payload = canonicalPayload(t[3]);
    detail = {};
    for (const [k, val] of Object.entries(p)) {
      if (typeof val !== 'string' && typeof val !== 'number') throw new DecodeError('DECODE_BAD_FIELD', 'receipt.detail: values must be strings or integers', { field: 'receipt.detail' });
      detail[k] = val;
    }
  }
  return { hash: readBytes(t[0], 'receipt.hash', 32), ok: readBool(t[1], 'receipt.ok'), code, detail };
}

/** Decodes encodeReceipt bytes. */
export function decodeReceipt(bytes: Uint8Array): TxReceipt {
  return receiptFromTuple(unpackCanonical(bytes));
}
