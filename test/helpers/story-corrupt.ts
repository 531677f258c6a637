import { decodeCommittedBlock, encodeCommittedBlock } from '../../src/codec/block.js';
import { decodeTxEnvelope, encodeTxEnvelope } from '../../src/codec/tx.js';
import { stateKeyBytes } from '../../src/state/view.js';
import { blockKey, receiptsKey, stateKey } from '../../src/storage/prefixes.js';
import { decodeBlockReceipts, encodeBlockReceipts } from '../../src/storage/stored-values.js';
import { LevelKv } from '../../src/storage/level-kv.js';

// Deliberate damage to a COPY of a stopped member's data directory, written through LevelDB
// itself (the store's own key layout), so that only the chosen value differs.

async function withKv<T>(dir: string, fn: (kv: LevelKv) => Promise<T>): Promise<T> {
  const kv = new LevelKv({ path: dir });
  await kv.start();
  try {
    return await fn(kv);
  } finally {
    await kv.stop();
  }
}

async function mustGet(kv: LevelKv, key: Uint8Array, what: string): Promise<Uint8Array> {
  const v = await kv.get(key);
  if (v === undefined) throw new Error(`${what} is not stored`);
  return v;
}

/** Flips one byte in the middle of the first transaction's bytes inside the stored block value. */
export async function flipTxByte(dir: string, height: number): Promise<void> {
  await withKv(dir, async (kv) => {
    const value = await mustGet(kv, blockKey(height), `block ${height}`);
    const tx = decodeCommittedBlock(value, { trusted: true }).block.txs[0];
    if (tx === undefined) throw new Error(`block ${height} has no transaction`);
    const at = Buffer.from(value).indexOf(Buffer.from(tx));
    if (at < 0) throw new Error('transaction bytes not found verbatim in the block value');
    const damaged = new Uint8Array(value);
    const i = at + Math.floor(tx.length / 2);
    damaged[i] = (damaged[i] as number) ^ 0x01;
    await kv.batch([{ key: blockKey(height), value: damaged }], { sync: true });
  });
}

/**
 * Rewrites the first transaction of a stored block with a forged payload field (the signature
 * kept), re-encoded canonically: a well-formed block that decodes everywhere.
 */
export async function forgeTxField(dir: string, height: number, field: string, forged: string): Promise<void> {
  await withKv(dir, async (kv) => {
    const cb = decodeCommittedBlock(await mustGet(kv, blockKey(height), `block ${height}`), { trusted: true });
    const [first, ...rest] = cb.block.txs;
    if (first === undefined) throw new Error(`block ${height} has no transaction`);
    const tx = decodeTxEnvelope(first);
    if (!(field in tx.payload)) throw new Error(`the first transaction of block ${height} has no ${field}`);
    const forgedTx = encodeTxEnvelope({ ...tx, payload: { ...tx.payload, [field]: forged } });
    const value = encodeCommittedBlock({ ...cb, block: { ...cb.block, txs: [forgedTx, ...rest] } });
    await kv.batch([{ key: blockKey(height), value }], { sync: true });
  });
}

/** Turns the stored receipt of a rejected transaction at `height` into a success. */
export async function whitewashReceipt(dir: string, height: number): Promise<void> {
  await withKv(dir, async (kv) => {
    const receipts = decodeBlockReceipts(await mustGet(kv, receiptsKey(height), `receipts of ${height}`));
    const i = receipts.findIndex((r) => !r.ok);
    if (i < 0) throw new Error(`block ${height} has no rejected transaction`);
    const forged = receipts.map((r, j) => (j === i ? { ...r, ok: true, code: null, detail: null } : r));
    await kv.batch([{ key: receiptsKey(height), value: encodeBlockReceipts(forged) }], { sync: true });
  });
}

/** Flips the last byte of the stored world-state value of contract key `key` (e.g. 'inv/INV-1'). */
export async function flipStateValue(dir: string, key: string): Promise<void> {
  await withKv(dir, async (kv) => {
    const k = stateKey(stateKeyBytes(key));
    const damaged = new Uint8Array(await mustGet(kv, k, `state ${key}`));
    damaged[damaged.length - 1] = (damaged[damaged.length - 1] as number) ^ 0x01;
    await kv.batch([{ key: k, value: damaged }], { sync: true });
  });
}
