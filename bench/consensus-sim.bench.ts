/**
 * Consensus CPU ceiling (docs/conventions.md, Benchmarks: `consensus-sim`, never to be confused
 * with the end-to-end `devnet-load`): N in-process members run the real ConsensusRuntime and
 * core over the simulator's network with 1 ms links and no faults, in virtual time, so wall
 * time is pure CPU: real ed25519 signatures on every vote, proposal and timeout (each node
 * verifies what it receives; QCs are cached per node), canonical msgpack encode/decode of every
 * message, and a FakeApplication that hashes 1,000 opaque 300-byte transactions per block.
 * Prints committed blocks/s and tx/s per member count, one JSON line, and writes
 * bench/results/consensus-sim.json.
 * Run: `npx tsx bench/consensus-sim.bench.ts [--nodes 4,7,10] [--blocks 40] [--repetitions 5]
 * [--txs 1000] [--tx-bytes 300] [--no-save]`.
 */
import { parseArgs } from 'node:util';
import { ConsensusRuntime } from '../src/consensus/runtime/runtime.js';
import { FakeApplication, FakeChain } from '../src/consensus/sim/fake-application.js';
import { MemorySafetyStore } from '../src/consensus/sim/memory-safety-store.js';
import { SeededRng } from '../src/consensus/sim/rng.js';
import { SIM_CHAIN_ID, SIM_GENESIS_HASH, simKey } from '../src/consensus/sim/sim-cluster.js';
import { SimNetwork } from '../src/consensus/sim/sim-network.js';
import { VirtualClock } from '../src/consensus/sim/virtual-clock.js';
import { captureEnvironment } from './lib/environment.js';
import { percentile, type BenchReport, type BenchResult } from './lib/harness.js';
import { formatRate, printReport, saveReport } from './lib/report.js';

const SEED = 1;
const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    nodes: { type: 'string' }, blocks: { type: 'string' }, repetitions: { type: 'string' }, txs: { type: 'string' },
    'tx-bytes': { type: 'string' }, 'warmup-blocks': { type: 'string' }, 'no-save': { type: 'boolean' },
  },
  strict: false,
});
const str = (v: unknown, d: string): string => (typeof v === 'string' ? v : d);
const NODES = str(values.nodes, '4,7,10').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
const BLOCKS = Number(str(values.blocks, '40'));
const REPS = Number(str(values.repetitions, '5'));
const TXS = Number(str(values.txs, '1000'));
const TX_BYTES = Number(str(values['tx-bytes'], '300'));
const WARMUP_BLOCKS = Number(str(values['warmup-blocks'], '5'));

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** One cluster: returns wall-clock ms per committed block for each sample after warm-up. */
async function runCluster(n: number): Promise<{ msPerBlock: number[]; messages: number }> {
  const clock = new VirtualClock();
  const net = new SimNetwork(clock, new SeededRng(SEED), n);
  net.setFaults({ dropRate: 0, dupRate: 0, minDelayMs: 1, maxDelayMs: 1, reorder: false });
  const members = [...Array(n).keys()].map((i) => simKey(i).publicKey);
  const epoch = { epoch: 0, members, startHeight: 1, rootHash: SIM_GENESIS_HASH, rootView: 0 };
  const chains: FakeChain[] = [];
  const runtimes: ConsensusRuntime[] = [];
  for (let i = 0; i < n; i++) {
    const chain = new FakeChain(SIM_GENESIS_HASH, 0);
    chains.push(chain);
    const app = new FakeApplication({ chainId: SIM_CHAIN_ID, epoch, txsPerBlock: TXS, txBytes: TX_BYTES }, chain);
    const rt = new ConsensusRuntime(
      {
        chainId: SIM_CHAIN_ID, signingKey: simKey(i),
        params: { viewTimeoutMs: 5000, maxViewTimeoutMs: 20_000, maxBlockTxs: TXS, maxBlockBytes: 64 << 20, heartbeatMinutes: 0 },
      },
      { clock, transport: net.transport(i), safetyStore: new MemorySafetyStore(), application: app },
    );
    runtimes.push(rt);
    await rt.start();
  }
  const head = (): number => Math.min(...chains.map((c) => c.head().height));
  const until = async (height: number): Promise<void> => {
    await settle();
    while (head() < height) {
      if (!clock.runNext()) throw new Error('cluster stalled');
      await settle();
    }
  };
  await until(WARMUP_BLOCKS);
  const msPerBlock: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const from = head();
    const t0 = performance.now();
    await until(from + BLOCKS);
    msPerBlock.push((performance.now() - t0) / (head() - from));
  }
  for (const rt of runtimes) await rt.stop();
  return { msPerBlock, messages: net.messagesSent };
}

const results: (BenchResult & { txPerSec: number; nodes: number })[] = [];
for (const n of NODES) {
  const { msPerBlock } = await runCluster(n);
  const sorted = [...msPerBlock].sort((a, b) => a - b);
  const medianNs = percentile(sorted, 50) * 1e6;
  results.push({
    id: `consensus-sim nodes=${n} txs=${TXS} txBytes=${TX_BYTES} blocksPerSample=${BLOCKS}`,
    opsPerSec: 1e9 / medianNs, medianNs, p99Ns: percentile(sorted, 99) * 1e6, minNs: (sorted[0] as number) * 1e6,
    meanNs: (sorted.reduce((a, b) => a + b, 0) / sorted.length) * 1e6, warmupRuns: WARMUP_BLOCKS, repetitions: REPS, batch: BLOCKS, opsPerRun: 1,
    txPerSec: (1e9 / medianNs) * TXS, nodes: n,
  });
  process.stderr.write(`  done nodes=${n}\n`);
}

process.stdout.write(['nodes  blocks/s      tx/s', ...results.map((r) => `${String(r.nodes).padStart(5)}  ${formatRate(r.opsPerSec).padStart(8)}  ${formatRate(r.txPerSec).padStart(8)}`)].join('\n') + '\n');
const report: BenchReport = {
  name: 'consensus-sim',
  command: ['npx tsx bench/consensus-sim.bench.ts', ...process.argv.slice(2)].join(' '),
  seed: SEED, warmupMs: 0, minSampleMs: 0,
  params: { txs: TXS, txBytes: TX_BYTES, blocksPerSample: BLOCKS, warmupBlocks: WARMUP_BLOCKS, unit: 'ops = committed blocks (all members committed)' },
  environment: captureEnvironment(),
  results,
};
printReport(report);
if (values['no-save'] !== true) saveReport(report);
