import { normaliseTxEnvelope } from '../codec/tx.js';
import type { SigningKey } from '../crypto/ed25519.js';
import { signTx, txHash } from '../crypto/tx.js';
import type { Payload } from '../types/primitives.js';
import type { TxEnvelope } from '../types/tx.js';
import { toHex } from '../util/bytes.js';
import type { TxPayloads, TxType } from './tx-payloads.js';
import { hexBytes, type TxBodyJson } from './wire.js';

// Optional payload fields left undefined are dropped: the canonical encoding has no undefined.
function definedFields(payload: object): Payload {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(payload)) if (v !== undefined) out[k] = v;
  return out as Payload;
}

/**
 * Builds and signs a transaction. The payload is made canonical (sorted keys) before signing;
 * a float, an unsafe integer or an oversize value throws DecodeError, as the node would refuse it.
 */
export function buildTx<T extends TxType>(key: SigningKey, chainId: string, type: T, payload: TxPayloads[T], nonce: number): TxEnvelope;
/** Builds and signs a transaction of any type name with an untyped payload (the CLI's `tx`). */
export function buildTx(key: SigningKey, chainId: string, type: string, payload: Payload, nonce: number): TxEnvelope;
export function buildTx(key: SigningKey, chainId: string, type: string, payload: object, nonce: number): TxEnvelope {
  return signTx(key, { chainId, type, nonce, payload: definedFields(payload) });
}

/** The JSON body POST /v1/transactions takes. */
export function txToJson(tx: TxEnvelope): TxBodyJson {
  return {
    chainId: tx.chainId,
    type: tx.type,
    signer: toHex(tx.signer),
    nonce: tx.nonce,
    payload: tx.payload,
    signature: toHex(tx.signature),
  };
}

/** Parses a JSON transaction (e.g. from an answer) back into an envelope; throws on bad input. */
export function txFromJson(j: TxBodyJson): TxEnvelope {
  return normaliseTxEnvelope({ ...j, signer: hexBytes(j.signer, 'signer'), signature: hexBytes(j.signature, 'signature', 64) });
}

/** The hash the node will answer a transaction with (hex). */
export function txHashHex(tx: TxEnvelope): string {
  return toHex(txHash(tx));
}
