// The per-transaction work of a 4-member consortium in ONE process, phase by phase, without
// HTTP, libp2p or consensus messages: what the end-to-end bench's "member CPU µs per tx" is made
// of, measured as CPU time (process.cpuUsage), so a change can be judged on a machine that other
// work shares. Each block of --block transactions goes the way it goes in the devnet:
//   rest    member 0: JSON body → envelopeFromBody → admission (prepare, signer, nonce, verify)
//   gossip  members 1-3: the batch bytes → decodeTxBatch → admission of the received bytes
//   build   member 0: LedgerChain.buildBlock (pool selection + executeBlock)
//   wire    the proposal encoded once, decoded by members 1-3
//   check   members 1-3: LedgerChain.checkBlock (replayBlock with the verified cache)
//   commit  members 0-3: LedgerChain.commit over BlockStore on MemoryKv (no fsync)
//   events  member 0: the SSE block frame (blockEventToJson)
// Verification is reported on its own: it is fixed by the curve and the rules, and the rest is
// what this bench is for.
//   node --import tsx bench/throughput-pipeline.bench.ts [--blocks 12] [--block 500] [--accounts 64] [--json] [--no-save]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { envelopeFromBody } from '../src/api/routes/transactions.js';
import { blockEventToJson } from '../src/api/json.js';
import { buildTx, txToJson } from '../src/client/build-tx.js';
import { decodeTxBatch, encodeTxBatch } from '../src/codec/batch.js';
import { encodeHeader } from '../src/codec/block.js';
import { decodeConsensusMessage, encodeConsensusMessage } from '../src/codec/consensus.js';
import { DOMAIN_TX_V1, signingBytes } from '../src/codec/domains.js';
import { decodeTxEnvelope, encodeTxBody, encodeTxEnvelope } from '../src/codec/tx.js';
import { signingKeyFromSeed, verifySignature, type SigningKey } from '../src/crypto/ed25519.js';
import { sha256 } from '../src/crypto/hash.js';
import * as txCrypto from '../src/crypto/tx.js';
import { LedgerChain } from '../src/node/chain.js';
import { payloadProblem, rolesFor } from '../src/state/contracts/registry.js';
import { Mempool } from '../src/state/mempool/mempool.js';
import { getSignerAccount } from '../src/state/queries.js';
import { BlockStore } from '../src/storage/block-store.js';
import { MemoryKv } from '../src/storage/memory-kv.js';
import type { Block } from '../src/types/block.js';
import type { Genesis } from '../src/types/genesis.js';
import type { TxEnvelope } from '../src/types/tx.js';
import { toHex } from '../src/util/bytes.js';
import { captureEnvironment, repoRoot } from './lib/environment.js';

const { values: args } = parseArgs({
  options: {
    blocks: { type: 'string', default: '12' }, block: { type: 'string', default: '500' }, accounts: { type: 'string', default: '64' },
    warmup: { type: 'string', default: '3' }, json: { type: 'boolean', default: false }, 'no-save': { type: 'boolean', default: false },
  },
});
const BLOCKS = Number(args.blocks);
const BLOCK_TXS = Number(args.block);
const ACCOUNTS = Number(args.accounts);
const WARMUP = Number(args.warmup);
const MEMBERS = 4;
const CHAIN_ID = 'pipeline-bench';

const key = (tag: number, i: number): SigningKey => {
  const seed = new Uint8Array(32);
  new DataView(seed.buffer).setUint32(0, tag);
  new DataView(seed.buffer).setUint32(4, i + 1);
  return signingKeyFromSeed(seed);
};
const memberKeys = Array.from({ length: MEMBERS }, (_, i) => key(1, i));
const accountKeys = Array.from({ length: ACCOUNTS }, (_, i) => key(2, i));
const genesis: Genesis = {
  chainId: CHAIN_ID, genesisTimeMs: 1_000,
  consensus: { viewTimeoutMs: 2000, maxViewTimeoutMs: 4000, maxBlockTxs: 20_000, maxBlockBytes: 16 << 20, heartbeatMinutes: 0 },
  members: memberKeys.map((k, i) => ({ name: `member${i}`, publicKey: k.publicKey, address: `/ip4/127.0.0.1/tcp/${9000 + i}` })),
  accounts: accountKeys.map((k, i) => ({ name: `acct${i}`, publicKey: k.publicKey, role: 'integrator' as const })),
};
const silent = { info: () => undefined, warn: () => undefined, debug: () => undefined };

interface Member { readonly pool: Mempool; readonly chain: LedgerChain }

async function member(): Promise<Member> {
  const kv = new MemoryKv();
  await kv.start();
  const store = new BlockStore({}, { kv });
  await store.start();
  let chain: LedgerChain | null = null;
  const pool = new Mempool({ chainId: CHAIN_ID, maxTxs: 200_000, maxNonceGap: 10_000 }, {
    lookupSigner: (pk) => {
      const a = chain === null ? null : getSignerAccount(chain.state, toHex(pk));
      return a === null ? null : { accountId: a.id, role: a.role, nextNonce: a.nextNonce };
    },
    rolesFor,
    payloadProblem,
  });
  chain = new LedgerChain({ genesis }, { store, mempool: pool, now: () => Date.now(), log: silent });
  await chain.load();
  return { pool, chain };
}

// Admission as the node does it, on whichever API this checkout has (the bench also runs
// against older checkouts for before/after figures).
const tx = txCrypto as unknown as Record<string, unknown>;
const hasPrepared = typeof tx['prepareTx'] === 'function';
function admitEnvelope(pool: Mempool, env: TxEnvelope): boolean {
  const p = pool as unknown as { addPrepared?: (p: unknown) => { ok: boolean } };
  return hasPrepared && p.addPrepared !== undefined ? p.addPrepared((tx['prepareTx'] as (t: TxEnvelope) => unknown)(env)).ok : pool.add(env).ok;
}
async function admitBytes(pool: Mempool, bytes: Uint8Array): Promise<boolean> {
  const p = pool as unknown as { addPrepared?: (p: unknown) => { ok: boolean } };
  if (hasPrepared && p.addPrepared !== undefined) return p.addPrepared((tx['prepareEncodedTx'] as (b: Uint8Array) => unknown)(bytes)).ok;
  return pool.add(decodeTxEnvelope(bytes)).ok;
}

const PHASES = ['rest', 'gossip', 'build', 'wire', 'check', 'commit', 'events'] as const;
type Phase = (typeof PHASES)[number];

function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function main(): Promise<void> {
  const env = captureEnvironment();
  const members = await Promise.all(Array.from({ length: MEMBERS }, () => member()));
  const nonces = accountKeys.map(() => 0);
  const pad = 'x'.repeat(80);
  const totals: Record<Phase, number> = { rest: 0, gossip: 0, build: 0, wire: 0, check: 0, commit: 0, events: 0 };
  let measuredTxs = 0;
  let parentHash = members[0]?.chain.committedHead().hash as Uint8Array;
  let timestampMs = 2_000;
  for (let b = 0; b < WARMUP + BLOCKS; b++) {
    // ~300-byte asset registrations, as bench/throughput.bench.ts sends; signing is not measured.
    const bodies: string[] = [];
    for (let i = 0; i < BLOCK_TXS; i++) {
      const a = i % ACCOUNTS;
      const id = `b${b}-${i}`;
      const t = buildTx(accountKeys[a] as SigningKey, CHAIN_ID, 'asset.register', { id, kind: 'warehouse-receipt', fingerprint: `fp-${id}`, metadata: { note: pad } }, nonces[a] as number);
      nonces[a] = (nonces[a] as number) + 1;
      bodies.push(JSON.stringify(txToJson(t)));
    }
    const [m0, ...followers] = members as [Member, ...Member[]];
    const spent: Record<Phase, number> = { rest: 0, gossip: 0, build: 0, wire: 0, check: 0, commit: 0, events: 0 };
    const time = async (phase: Phase, f: () => Promise<void> | void): Promise<void> => {
      const t0 = cpuUs();
      await f();
      spent[phase] += cpuUs() - t0;
    };
    await time('rest', () => {
      for (const body of bodies) if (!admitEnvelope(m0.pool, envelopeFromBody(JSON.parse(body) as never))) throw new Error('REST admission refused a valid transaction');
    });
    const batch = encodeTxBatch(bodies.map((body) => encodeTxEnvelope(envelopeFromBody(JSON.parse(body) as never))));
    await time('gossip', async () => {
      for (const f of followers) for (const bytes of decodeTxBatch(batch)) if (!(await admitBytes(f.pool, bytes))) throw new Error('gossip admission refused a valid transaction');
    });
    const height = b + 1;
    timestampMs += 1_000;
    const req = { epoch: 0, view: height, height, parentHash, parentQc: null, proposer: 0, timestampMs };
    let block: Block | null = null;
    await time('build', async () => {
      block = await m0.chain.buildBlock(req);
    });
    const built = block as unknown as Block;
    if (built.txs.length !== BLOCK_TXS) throw new Error(`built ${built.txs.length} of ${BLOCK_TXS} transactions`);
    const hash = sha256(encodeHeader(built.header));
    const signature = new Uint8Array(64);
    const received: Block[] = [];
    await time('wire', () => {
      const bytes = encodeConsensusMessage({ type: 'proposal', block: built, tc: null, signature });
      for (let i = 0; i < followers.length; i++) {
        const m = decodeConsensusMessage(bytes);
        if (m.type !== 'proposal') throw new Error('not a proposal');
        received.push(m.block);
      }
    });
    await time('check', async () => {
      for (let i = 0; i < followers.length; i++) if (!(await followers[i]?.chain.checkBlock(received[i] as Block, hash))) throw new Error('a follower refused the block');
    });
    const qc = { data: { epoch: 0, view: height, height, blockHash: hash, parentView: height - 1, parentHash }, signatures: [] };
    await time('commit', async () => {
      await m0.chain.commit([{ block: built, hash, commitQc: qc, certifiedHeight: height + 1 }]);
      for (let i = 0; i < followers.length; i++) await followers[i]?.chain.commit([{ block: received[i] as Block, hash, commitQc: qc, certifiedHeight: height + 1 }]);
    });
    const heads = members.map((m) => toHex(m.chain.committedHead().hash));
    if (new Set(heads).size !== 1 || m0.pool.size !== 0) throw new Error('members disagree or the pool kept committed transactions');
    await time('events', () => {
      blockEventToJson({ committed: { block: built, hash, commitQc: qc, certifiedHeight: height + 1 }, receipts: [] });
    });
    parentHash = hash;
    if (b >= WARMUP) {
      for (const p of PHASES) totals[p] += spent[p];
      measuredTxs += BLOCK_TXS;
    }
  }
  // Verification alone, the way admission does it, over the same kind of messages.
  const probe = Array.from({ length: 2_000 }, (_, i) => {
    const t = buildTx(accountKeys[i % ACCOUNTS] as SigningKey, CHAIN_ID, 'asset.register', { id: `v${i}`, kind: 'k', fingerprint: `f${i}`, metadata: { note: pad } }, 0);
    return { pk: t.signer, msg: signingBytes(DOMAIN_TX_V1, CHAIN_ID, encodeTxBody(t)), sig: t.signature };
  });
  for (const p of probe) verifySignature(p.pk, p.msg, p.sig);
  const v0 = cpuUs();
  for (const p of probe) verifySignature(p.pk, p.msg, p.sig);
  const verifyUs = (cpuUs() - v0) / probe.length;

  const perTx = Object.fromEntries(PHASES.map((p) => [p, Math.round((totals[p] / measuredTxs) * 10) / 10])) as Record<Phase, number>;
  const totalUs = PHASES.reduce((s, p) => s + perTx[p], 0);
  const verifications = MEMBERS;
  const result = {
    id: `throughput.pipeline members=${MEMBERS} block=${BLOCK_TXS} accounts=${ACCOUNTS} blocks=${BLOCKS}`,
    cpuUsPerTx: Math.round(totalUs * 10) / 10, perTxUs: perTx, verifyUs: Math.round(verifyUs * 10) / 10,
    nonVerifyUsPerTx: Math.round((totalUs - verifications * verifyUs) * 10) / 10, warmupBlocks: WARMUP, env,
  };
  if (!args.json) {
    process.stdout.write(`${result.id}\n`);
    for (const p of PHASES) process.stdout.write(`  ${p.padEnd(8)} ${String(perTx[p]).padStart(8)} µs/tx\n`);
    process.stdout.write(`  ${'total'.padEnd(8)} ${String(result.cpuUsPerTx).padStart(8)} µs/tx (all ${MEMBERS} members; ${verifications} × verify ${result.verifyUs} µs = ${Math.round(verifications * verifyUs)})\n`);
    process.stdout.write(`  non-verify ${result.nonVerifyUsPerTx} µs/tx; load ${env.loadAvg1m}, ${env.commit}\n`);
  }
  if (!args['no-save']) {
    const dir = join(repoRoot(), 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'throughput-pipeline.json'), `${JSON.stringify(result, null, 2)}\n`);
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
