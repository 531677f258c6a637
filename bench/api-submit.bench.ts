// POST /v1/transactions throughput of one node's REST API: autocannon against buildApi over
// the node's real admission (JSON schema validation, hex and normaliseTxEnvelope in the route,
// then what node/api-deps.ts does: prepareTx and Mempool.addAsync — chain id, type, signer,
// role, nonce window, dedupe, one ed25519 verification on the VerifyPool's worker threads —
// over signers held in memory instead of the state tree). Every request carries a different
// pre-signed transaction (signers round-robin, nonces increasing), so each is accepted (202)
// exactly once. The server runs in a child process so the load generator does not share its
// event loop; both share the machine's cores, and the server's CPU time per request is
// reported next to the rate.
//   node --import tsx bench/api-submit.bench.ts [--txs 120000] [--connections 50] [--signers 500] [--threads 2] [--pipelining 1] [--json] [--no-save]
// Target (issue "REST API, TypeScript client and CLI"): >= 8,000 req/s on one node.
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import { buildApi } from '../src/api/app.js';
import type { ApiDeps, SubmitResult } from '../src/api/deps.js';
import { buildTx, txToJson } from '../src/client/build-tx.js';
import { signingKeyFromSeed, type SigningKey } from '../src/crypto/ed25519.js';
import { admitSignedTx, prepareTx } from '../src/crypto/tx.js';
import { normaliseTxEnvelope } from '../src/codec/tx.js';
import { VerifyPool } from '../src/node/verify-pool.js';
import { payloadProblem, rolesFor } from '../src/state/contracts/registry.js';
import { Mempool, type SignerInfo } from '../src/state/mempool/mempool.js';
import type { TxEnvelope } from '../src/types/tx.js';
import { fromHex, toHex } from '../src/util/bytes.js';
import { captureEnvironment, repoRoot } from './lib/environment.js';

const CHAIN_ID = 'bench-chain';

/** The part of autocannon 9's API used here (the package ships no types). */
interface AutocannonResult {
  requests: { average: number; mean: number; total: number; p50: number; p99: number };
  latency: { average: number; p50: number; p90: number; p99: number; max: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;

const { values: args } = parseArgs({
  options: {
    serve: { type: 'boolean', default: false },
    txs: { type: 'string', default: '120000' },
    connections: { type: 'string', default: '50' },
    pipelining: { type: 'string', default: '1' },
    signers: { type: 'string', default: '500' },
    threads: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '5000' },
    json: { type: 'boolean', default: false },
    'no-save': { type: 'boolean', default: false },
  },
});
const signerCount = Number(args.signers);

function signerKey(i: number): SigningKey {
  const seed = new Uint8Array(32);
  new DataView(seed.buffer).setUint32(0, i + 1);
  return signingKeyFromSeed(seed);
}

/** Deps whose submitTx is the node's admission (node/api-deps.ts); every other read is unused here. */
function benchDeps(verifier: VerifyPool): { deps: ApiDeps; pool: Mempool } {
  const signers = new Map<string, SignerInfo>();
  for (let i = 0; i < signerCount; i++) {
    const id = toHex(signerKey(i).publicKey);
    signers.set(id, { accountId: id, role: 'integrator', nextNonce: 0 });
  }
  // Nonces may arrive out of order (50 connections race); the pool admits each (signer, nonce) once.
  const pool = new Mempool({ chainId: CHAIN_ID, maxTxs: 1_000_000, maxNonceGap: 1_000_000 }, {
    lookupSigner: (pk) => signers.get(toHex(pk)) ?? null, rolesFor, payloadProblem, verifier,
  });
  const unused = (): never => {
    throw new Error('not used by this benchmark');
  };
  const deps: ApiDeps = {
    genesis: unused,
    reader: () => null,
    status: () => ({ chainId: CHAIN_ID, node: 'bench', height: 0, headHash: new Uint8Array(32), view: 0, epoch: 0, members: 1, peersConnected: 0, ready: true, syncing: false, targetHeight: 0, syncProgress: 1, validator: true, version: 'bench', commit: 'unknown' }),
    async submitTx(tx: TxEnvelope): Promise<SubmitResult> {
      const r = await pool.addAsync(prepareTx(tx));
      return r.ok ? { ok: true, hash: r.hash } : r;
    },
    pendingTx: () => null,
    findTx: async () => null,
    getBlock: async () => null,
    getInvoice: unused, listInvoices: unused, invoiceHistory: unused, getAsset: unused, listAssets: unused,
    assetHistory: unused, getAccount: unused, members: unused, stateProof: unused,
    onBlockCommitted: () => () => undefined,
    metricsRegistry: new Registry(),
  };
  return { deps, pool };
}

async function serve(): Promise<void> {
  const verifier = new VerifyPool({ threads: Number(args.threads) }, { log: { warn: (o, m) => process.stderr.write(`${m} ${JSON.stringify(o)}\n`) } });
  const { deps, pool } = benchDeps(verifier);
  const app = buildApi({ rateLimit: false }, deps);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  process.send?.({ port: typeof addr === 'object' && addr !== null ? addr.port : 0 });
  // The parent asks for this process's CPU time (all threads) around each load phase.
  process.on('message', (m) => {
    if (m === 'cpu') {
      const u = process.cpuUsage();
      process.send?.({ cpuUs: u.user + u.system, pooled: pool.size });
    }
  });
  process.on('disconnect', () => void app.close().then(() => verifier.stop()).then(() => process.exit(0)));
}

/** Bodies for `n` requests: signer i % signers, nonces in order per signer. */
function presign(n: number): string[] {
  const keys = Array.from({ length: signerCount }, (_, i) => signerKey(i));
  const bodies: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const key = keys[i % signerCount] as SigningKey;
    const tx = buildTx(key, CHAIN_ID, 'invoice.issue', {
      id: `INV-${i}`, buyer: 'b'.repeat(64), amount: String(1_000_000 + i), currency: 'CNY', dueDate: '2027-06-30', fingerprint: `fp-${i}`,
    }, Math.floor(i / signerCount));
    bodies[i] = JSON.stringify(txToJson(tx));
  }
  return bodies;
}

/** Single-core rate of the per-request work alone (no HTTP), for comparison. */
function admissionOnlyPerSec(bodies: readonly string[]): number {
  const n = Math.min(bodies.length, 20_000);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const j = JSON.parse(bodies[i] as string) as Record<string, unknown>;
    const tx = normaliseTxEnvelope({ ...j, signer: fromHex(j.signer as string), signature: fromHex(j.signature as string) } as never);
    if (admitSignedTx(tx) === null) throw new Error('presigned transaction does not verify');
  }
  return n / ((performance.now() - t0) / 1000);
}

async function run(): Promise<void> {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  const total = Number(args.txs);
  const warmup = Number(args.warmup);
  const connections = Number(args.connections);
  const pipelining = Number(args.pipelining);
  const env = captureEnvironment();
  const t0 = performance.now();
  const bodies = presign(warmup + total);
  const presignS = (performance.now() - t0) / 1000;
  const workOnly = admissionOnlyPerSec(bodies);

  const child = fork(fileURLToPath(import.meta.url), ['--serve', '--signers', String(signerCount), '--threads', String(args.threads)], { execArgv: [...process.execArgv, ...(process.env.API_BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.API_BENCH_PROF}`] : [])] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const serverCpu = (): Promise<{ cpuUs: number; pooled: number }> => new Promise((resolve) => {
    child.once('message', (m) => resolve(m as { cpuUs: number; pooled: number }));
    child.send('cpu');
  });
  try {
    let next = 0;
    const load = (amount: number): Promise<AutocannonResult> =>
      autocannon({
        url: `http://127.0.0.1:${port}`, connections, pipelining, amount,
        requests: [{
          method: 'POST', path: '/v1/transactions', headers: { 'content-type': 'application/json' },
          setupRequest: (req: Record<string, unknown>) => ({ ...req, body: bodies[next++] }),
        }],
      });
    await load(warmup);
    const cpu0 = await serverCpu();
    const loadCpu0 = process.cpuUsage();
    const r = await load(total);
    const loadCpu = process.cpuUsage(loadCpu0);
    const cpu1 = await serverCpu();
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`${r.non2xx} non-2xx answers and ${r.errors} errors: the workload is invalid`);
    if (cpu1.pooled !== warmup + total) throw new Error(`the pool holds ${cpu1.pooled} transactions, expected ${warmup + total}`);
    const reqPerSec = r['2xx'] / r.duration;
    const serverCpuUsPerRequest = (cpu1.cpuUs - cpu0.cpuUs) / r['2xx'];
    const loadGenCpuUsPerRequest = (loadCpu.user + loadCpu.system) / r['2xx'];
    const result = {
      id: `api.submit connections=${connections} pipelining=${pipelining} signers=${signerCount} threads=${args.threads} txs=${total}`,
      reqPerSec: Math.round(reqPerSec), latencyP50Ms: r.latency.p50, latencyP99Ms: r.latency.p99, latencyAvgMs: r.latency.average,
      serverCpuUsPerRequest: Math.round(serverCpuUsPerRequest), loadGenCpuUsPerRequest: Math.round(loadGenCpuUsPerRequest), verifyThreads: Number(args.threads),
      // What one machine of this many cores could serve if the load came from elsewhere.
      cpuBoundReqPerSec: Math.round((env.cores * 1e6) / serverCpuUsPerRequest),
      accepted: r['2xx'], durationS: r.duration, warmupRequests: warmup, admissionOnlyPerSecOneCore: Math.round(workOnly),
      presignS: Number(presignS.toFixed(1)), env,
    };
    const rows: [string, string][] = [
      ['case', result.id], ['req/s (202 Accepted)', result.reqPerSec.toLocaleString('en-US')],
      ['latency p50 / p99 / avg', `${r.latency.p50} / ${r.latency.p99} / ${r.latency.average.toFixed(2)} ms`],
      ['accepted / duration', `${r['2xx']} in ${r.duration.toFixed(1)} s`],
      ['server CPU per request', `${result.serverCpuUsPerRequest} µs (all threads; ${args.threads} verify threads)`],
      ['load generator CPU per request', `${result.loadGenCpuUsPerRequest} µs (autocannon, same machine)`],
      ['CPU-bound ceiling, server alone', `${result.cpuBoundReqPerSec.toLocaleString('en-US')} req/s on ${env.cores} cores`],
      ['admission work alone, 1 core', `${result.admissionOnlyPerSecOneCore.toLocaleString('en-US')} /s`],
      ['machine', `${env.cpu}, ${env.cores} cores, load ${env.loadAvg1m}, node ${env.node}, ${env.commit}`],
    ];
    if (!args.json) for (const [k, v] of rows) process.stdout.write(`${k.padEnd(32)} ${v}\n`);
    if (!args['no-save']) {
      const dir = join(repoRoot(), 'bench', 'results');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'api-submit.json'), `${JSON.stringify(result, null, 2)}\n`);
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    child.disconnect();
  }
}

await (args.serve ? serve() : run());
