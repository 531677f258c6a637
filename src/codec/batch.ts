import { pack, unpackCanonical } from './msgpack.js';
import { readArray, readBytes } from './read.js';
import { MAX_TX_BYTES } from './tx.js';

/** Most transactions in one gossiped batch. */
export const MAX_BATCH_TXS = 4096;

/** A gossiped batch: [txEnvelopeBytes, ...] (channel 'batches'; never one message per transaction). */
export function encodeTxBatch(txs: readonly Uint8Array[]): Uint8Array {
  return pack(txs);
}

/** Decodes a batch from a peer; each element stays encoded (decodeTxEnvelope reads it). */
export function decodeTxBatch(bytes: Uint8Array): Uint8Array[] {
  return readArray(unpackCanonical(bytes), 'batch', MAX_BATCH_TXS).map((t, i) => readBytes(t, `batch[${i}]`, null, MAX_TX_BYTES));
}
