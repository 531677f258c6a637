/**
 * Codec micro-benchmarks (src/codec): a ~270-byte signed transaction and a 1,000-transaction
 * block, encoded and decoded from untrusted bytes (canonical check included).
 * Run: `npx tsx bench/codec.bench.ts`, or after `npm run build`: `node dist/bench/codec.bench.js`.
 * Flags: see bench/lib/harness.ts. Results: bench/results/codec.json.
 */
import {
  DOMAIN_VOTE_V1, decodeBlock, decodeCommittedBlock, decodeTxEnvelope, encodeBlock, encodeCommittedBlock, encodeTxEnvelope,
  encodeVoteData, signingBytes,
} from '../src/codec/index.js';
import { signMessage, signingKeyFromSeed } from '../src/crypto/ed25519.js';
import { sha256 } from '../src/crypto/hash.js';
import { merkleRoot } from '../src/crypto/merkle.js';
import { signTx, txHash } from '../src/crypto/tx.js';
import type { Block, BlockHeader, QuorumCert } from '../src/types/block.js';
import { toHex } from '../src/util/bytes.js';
import { benchSeed, runBenchSuite, seededBytes, seededRng } from './lib/harness.js';

const SEED = benchSeed(1);
const TXS = 1000;
const CHAIN = 'bench-chain';
const rng = seededRng(SEED);
const keys = Array.from({ length: 64 }, () => signingKeyFromSeed(seededBytes(rng, 32)));

const txs = Array.from({ length: TXS }, (_, i) => signTx(keys[i % keys.length] ?? keys[0]!, {
  chainId: CHAIN, type: 'invoice.issue', nonce: i,
  payload: {
    id: `INV-${SEED}-${i}`, amount: String(100_000 + (rng() % 9_000_000)), currency: 'EUR',
    debtor: `debtor-${rng() % 500}`, dueDate: '2026-03-01', fingerprint: toHex(seededBytes(rng, 32)),
  },
}));
const txBytes = txs.map(encodeTxEnvelope);
const txSize = Math.round(txBytes.reduce((a, b) => a + b.length, 0) / TXS);

const qcData = { epoch: 0, view: 41, height: 40, blockHash: sha256(Uint8Array.of(1)), parentView: 40, parentHash: sha256(Uint8Array.of(2)) };
const parentQc: QuorumCert = {
  data: qcData,
  signatures: [0, 1, 2].map((m) => ({ member: m, signature: signMessage(keys[m] ?? keys[0]!, signingBytes(DOMAIN_VOTE_V1, CHAIN, encodeVoteData(qcData))) })),
};
const header: BlockHeader = {
  chainId: CHAIN, epoch: 0, height: 41, view: 42, parentHash: qcData.blockHash, txRoot: merkleRoot(txs.map(txHash)),
  stateRoot: sha256(Uint8Array.of(3)), receiptsRoot: sha256(Uint8Array.of(4)), proposer: 2, timestampMs: 1_767_225_600_000, parentQc,
};
const block: Block = { header, txs: txBytes };
const blockBytes = encodeBlock(block);
const committedBytes = encodeCommittedBlock({ block, hash: sha256(Uint8Array.of(5)), commitQc: parentQc, certifiedHeight: 42 });

let i = 0;
const next = (): number => (i = (i + 1) % TXS);

runBenchSuite({ name: 'codec', seed: SEED, params: { txBytesMean: txSize, blockTxs: TXS, blockBytes: blockBytes.length } }, [
  { id: `codec.encodeTxEnvelope bytes=${txSize}`, run: () => encodeTxEnvelope(txs[next()] ?? txs[0]!) },
  { id: `codec.decodeTxEnvelope bytes=${txSize}`, run: () => decodeTxEnvelope(txBytes[next()] ?? txBytes[0]!) },
  { id: `codec.encodeBlock txs=${TXS} bytes=${blockBytes.length}`, run: () => encodeBlock(block) },
  { id: `codec.decodeBlock txs=${TXS} bytes=${blockBytes.length} (txs left as bytes)`, run: () => decodeBlock(blockBytes) },
  { id: `codec.decodeBlock+decodeTxEnvelope txs=${TXS}`, run: () => decodeBlock(blockBytes).txs.map(decodeTxEnvelope) },
  { id: `codec.decodeCommittedBlock trusted txs=${TXS}`, run: () => decodeCommittedBlock(committedBytes, { trusted: true }) },
]);
