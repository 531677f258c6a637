// What gossip costs per transaction over the real transport, by batch size: 4 Libp2pTransports
// (tcp + tls + yamux on 127.0.0.1) in this process, member 0's TxGossip sending batches of B
// ~300-byte transactions one after another (one batch per event-loop turn, so the transport
// cannot coalesce them), members 1-3 decoding each batch (admission is measured by
// throughput-pipeline.bench.ts). Reported: CPU time of this process (all threads, so both ends
// of every message) per batch and per transaction. A member taking R tx/s with a gossip window
// of W ms sends batches of about min(512, R × W / 1000) transactions.
//   node --import tsx bench/throughput-gossip.bench.ts [--batches 600] [--sizes 1,3,10,25] [--json] [--no-save]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import '../src/p2p/polyfill.js';
import { decodeTxBatch } from '../src/codec/batch.js';
import { encodeTxEnvelope } from '../src/codec/tx.js';
import { signingKeyFromSeed } from '../src/crypto/ed25519.js';
import { signTx } from '../src/crypto/tx.js';
import { TX_GOSSIP_DEFAULTS, TxGossip } from '../src/node/tx-gossip.js';
import type { Mempool } from '../src/state/mempool/mempool.js';
import type { Clock } from '../src/types/edges.js';
import { makeLibp2pCluster } from '../test/helpers/p2p-cluster.js';
import { captureEnvironment, repoRoot } from './lib/environment.js';

const { values: args } = parseArgs({
  options: {
    batches: { type: 'string', default: '600' }, sizes: { type: 'string', default: '1,3,10,25' },
    json: { type: 'boolean', default: false }, 'no-save': { type: 'boolean', default: false },
  },
});
const batches = Number(args.batches);
const sizes = (args.sizes as string).split(',').map(Number);

const key = signingKeyFromSeed(new Uint8Array(32).fill(5));
// ~300-byte asset registrations, like bench/throughput.bench.ts.
const txBytes = (i: number): Uint8Array => encodeTxEnvelope(signTx(key, {
  chainId: 'gossip-bench', type: 'asset.register', nonce: i,
  payload: { id: `g-${i}`, kind: 'warehouse-receipt', fingerprint: `fp-g-${i}`, metadata: { note: 'x'.repeat(80) } },
}));
// Flushes are explicit here; the window timer never fires.
const clock: Clock = { now: () => 0, setTimer: () => () => undefined };

function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function main(): Promise<void> {
  const env = captureEnvironment();
  const cluster = await makeLibp2pCluster(4);
  const [sender, ...receivers] = cluster.transports;
  if (sender === undefined) throw new Error('no sender');
  await new Promise<void>((resolve) => {
    const check = (): void => void (cluster.transports.every((t) => t.connectedPeers().length === 3) ? resolve() : setTimeout(check, 20));
    check();
  });
  let receivedTxs = 0;
  for (const r of receivers) {
    r.onMessage((_from, channel, bytes) => {
      if (channel === 'batches') receivedTxs += decodeTxBatch(bytes).length;
    });
  }
  const gossip = new TxGossip({ maxBatchTxs: 512, maxDelayMs: 1_000_000 }, {
    transport: sender, mempool: null as unknown as Mempool, clock, onAdmitted: () => undefined, log: { debug: () => undefined },
  });
  const rows: { id: string; txsPerBatch: number; cpuUsPerBatch: number; cpuUsPerTx: number }[] = [];
  let next = 0;
  const run = async (size: number, count: number): Promise<number> => {
    const txs = Array.from({ length: size * count }, () => txBytes(next++));
    receivedTxs = 0;
    const c0 = cpuUs();
    for (let b = 0; b < count; b++) {
      for (let i = 0; i < size; i++) gossip.enqueue(txs[b * size + i] as Uint8Array);
      gossip.flush();
      await new Promise((r) => setImmediate(r));
    }
    await new Promise<void>((resolve) => {
      const check = (): void => void (receivedTxs >= size * count * receivers.length ? resolve() : setImmediate(check));
      check();
    });
    return cpuUs() - c0;
  };
  // Warm every path (JIT, connection windows) before measuring any size.
  for (const size of sizes) await run(size, Math.ceil(batches / 4));
  for (const size of sizes) {
    const cpu = await run(size, batches);
    rows.push({
      id: `throughput.gossip members=4 txsPerBatch=${size} batches=${batches}`, txsPerBatch: size,
      cpuUsPerBatch: Math.round(cpu / batches), cpuUsPerTx: Math.round(cpu / (batches * size)),
    });
  }
  gossip.stop();
  await cluster.stop();
  if (!args.json) {
    for (const r of rows) process.stdout.write(`${r.id.padEnd(56)} ${String(r.cpuUsPerBatch).padStart(6)} µs CPU/batch ${String(r.cpuUsPerTx).padStart(6)} µs CPU/tx\n`);
    process.stdout.write(`node default: ${TX_GOSSIP_DEFAULTS.maxBatchTxs} txs or ${TX_GOSSIP_DEFAULTS.maxDelayMs} ms; load ${env.loadAvg1m}, ${env.commit}\n`);
  }
  const result = { bench: 'throughput-gossip', rows, gossipDefaults: TX_GOSSIP_DEFAULTS, env };
  if (!args['no-save']) {
    const dir = join(repoRoot(), 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'throughput-gossip.json'), `${JSON.stringify(result, null, 2)}\n`);
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
