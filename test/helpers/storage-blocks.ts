import { encodeHeader } from '../../src/codec/index.js';
import { sha256, sha256Parts } from '../../src/crypto/hash.js';
import { historyKey, indexKey } from '../../src/storage/prefixes.js';
import type { CommitBlockInput } from '../../src/storage/block-store.js';
import type { BlockHeader, CommittedBlock, QuorumCert } from '../../src/types/block.js';
import type { KvOp } from '../../src/types/edges.js';
import type { Hash, Height } from '../../src/types/primitives.js';
import type { TxReceipt } from '../../src/types/tx.js';
import { concatBytes, u64be, utf8 } from '../../src/util/bytes.js';

// Synthetic, deterministic committed blocks for storage tests and the storage bench. Every
// byte is a pure function of the height (and the shape options), so a verifier can rebuild
// exactly what a writer process committed. Signatures are fake: storage never checks them.

/** Chain id of synthetic chains. */
export const TEST_CHAIN_ID = 'storage-test';
/** Genesis hash of synthetic chains. */
export const TEST_GENESIS_HASH: Hash = sha256(utf8('storage-test genesis'));
/** The state key every synthetic block overwrites with its height. */
export const COUNTER_STATE_KEY: Uint8Array = utf8('counter');

/** Shape of a synthetic block. */
export interface SyntheticShape {
  readonly txCount: number;
  /** Size of each transaction's bytes. */
  readonly txBytes: number;
  /** State writes per transaction, besides the block's single counter write. */
  readonly stateWritesPerTx: number;
}

/** Small blocks for correctness tests. */
export const SMALL_SHAPE: SyntheticShape = { txCount: 8, txBytes: 64, stateWritesPerTx: 2 };

function fakeQc(epoch: number, view: number, height: Height, blockHash: Hash, parentView: number, parentHash: Hash): QuorumCert {
  const signatures = [0, 1, 2].map((member) => {
    const half = sha256Parts(blockHash, u64be(member));
    return { member, signature: concatBytes(half, half) };
  });
  return { data: { epoch, view, height, blockHash, parentView, parentHash }, signatures };
}

function txBytesFor(height: Height, i: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  const seed = sha256Parts(u64be(height), u64be(i));
  for (let o = 0; o < size; o++) out[o] = (seed[o % 32] as number) ^ (o & 0xff);
  return out;
}

/** Raw state key of write `j` of tx `i` at `height`. */
export function syntheticStateKey(height: Height, i: number, j: number): Uint8Array {
  return utf8(`invoice/INV-${height}-${i}/field-${j}`);
}

/** History subject of tx `i` at `height`. */
export function syntheticSubject(height: Height, i: number): string {
  return `invoice:INV-${height}-${i}`;
}

/** Hash of synthetic tx `i` at `height` (computed as a real node would: from the bytes). */
export function syntheticTxHash(height: Height, i: number, shape: SyntheticShape): Hash {
  return sha256(txBytesFor(height, i, shape.txBytes));
}

/** Builds the commit input of height `height` on top of `parentHash`. */
export function buildSyntheticCommit(height: Height, parentHash: Hash, shape: SyntheticShape = SMALL_SHAPE): CommitBlockInput {
  const txs: Uint8Array[] = [];
  const txHashes: Hash[] = [];
  const receipts: TxReceipt[] = [];
  const stateWrites: KvOp[] = [];
  const extraOps: KvOp[] = [];
  for (let i = 0; i < shape.txCount; i++) {
    const tx = txBytesFor(height, i, shape.txBytes);
    const hash = sha256(tx);
    txs.push(tx);
    txHashes.push(hash);
    const ok = i % 5 !== 4;
    receipts.push(ok
      ? { hash, ok, code: null, detail: null }
      : { hash, ok, code: 'INVOICE_ALREADY_FINANCED', detail: { id: `INV-${height}-${i}` } });
    for (let j = 0; j < shape.stateWritesPerTx; j++) {
      // ~100-byte values: a JSON-ish invoice record.
      stateWrites.push({ key: syntheticStateKey(height, i, j), value: utf8(`{"h":${height},"i":${i},"j":${j},"amount":"1000000","status":"accepted","holder":"supplier"}`) });
    }
    extraOps.push({ key: historyKey(syntheticSubject(height, i), height, i), value: hash.slice(0, 24) });
    extraOps.push({ key: indexKey('invoice.holder', 'supplier', `INV-${height}-${i}`), value: new Uint8Array(0) });
  }
  stateWrites.push({ key: COUNTER_STATE_KEY, value: u64be(height) });
  const header: BlockHeader = {
    chainId: TEST_CHAIN_ID,
    epoch: 0,
    height,
    view: height,
    parentHash,
    txRoot: sha256Parts(...txHashes),
    stateRoot: sha256Parts(u64be(height), utf8('state')),
    receiptsRoot: sha256Parts(u64be(height), utf8('receipts')),
    proposer: height % 4,
    timestampMs: 1_700_000_000_000 + height * 1000,
    parentQc: height === 1 ? null : fakeQc(0, height - 1, height - 1, parentHash, height - 2, sha256(u64be(height - 2))),
  };
  const hash = sha256(encodeHeader(header));
  const committed: CommittedBlock = {
    block: { header, txs },
    hash,
    commitQc: fakeQc(0, height + 1, height + 1, sha256(u64be(height + 1)), height, hash),
    certifiedHeight: height,
  };
  return { committed, receipts, txHashes, stateWrites, extraOps };
}

/** A fake safety state: the height it was saved for (consensus owns the real encoding). */
export function syntheticSafetyBytes(height: Height): Uint8Array {
  return u64be(height);
}

/** The synthetic chain's commit inputs for heights 1..n (deterministic). */
export function buildSyntheticChain(n: number, shape: SyntheticShape = SMALL_SHAPE): CommitBlockInput[] {
  const out: CommitBlockInput[] = [];
  let parent = TEST_GENESIS_HASH;
  for (let h = 1; h <= n; h++) {
    const input = buildSyntheticCommit(h, parent, shape);
    out.push(input);
    parent = input.committed.hash;
  }
  return out;
}
