import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BlockStore } from '../src/storage/block-store.js';
import { DEFAULT_WRITE_BUFFER_BYTES, LevelKv } from '../src/storage/level-kv.js';
import { measureLevelPutsPerSec } from '../src/storage/measure.js';
import type { KeyRange, KvOp, KvStore } from '../src/types/edges.js';
import { TEST_CHAIN_ID, TEST_GENESIS_HASH, buildSyntheticCommit, type SyntheticShape } from '../test/helpers/storage-blocks.js';

// Storage macro bench: commit realistic 1,000-tx blocks to LevelDB with sync:true, one
// BlockStore.commitBlock per block, and report ms per block next to the machine's raw LevelDB
// batched-put rate. Run: node --import tsx bench/storage.bench.ts [--blocks 60] [--txs 1000]
// Target (issue "Ledger core", item 4): median <= 50 ms per 1,000-tx block.

const REPO = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

/** Wraps a KvStore to time each batch and count its ops and bytes. */
class TimedKv implements KvStore {
  readonly batches: { ms: number; ops: number; bytes: number }[] = [];
  constructor(private readonly inner: KvStore) {}
  start(): Promise<void> { return this.inner.start(); }
  stop(): Promise<void> { return this.inner.stop(); }
  get(key: Uint8Array): Promise<Uint8Array | undefined> { return this.inner.get(key); }
  getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> { return this.inner.getMany(keys); }
  iterate(range: KeyRange): AsyncIterable<[Uint8Array, Uint8Array]> { return this.inner.iterate(range); }
  async batch(ops: readonly KvOp[], opts: { sync: boolean }): Promise<void> {
    let bytes = 0;
    for (const op of ops) bytes += op.key.length + (op.value?.length ?? 0);
    const t0 = performance.now();
    await this.inner.batch(ops, opts);
    this.batches.push({ ms: performance.now() - t0, ops: ops.length, bytes });
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

function stats(xs: readonly number[]): { median: number; p99: number; mean: number } {
  const s = [...xs].sort((a, b) => a - b);
  const mean = xs.reduce((a, x) => a + x, 0) / Math.max(1, xs.length);
  return { median: percentile(s, 50), p99: percentile(s, 99), mean };
}

function environment(): Record<string, string | number> {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
  } catch {
    // Not a checkout (e.g. a copied dist/): the commit is simply unknown.
  }
  // The 1-minute load average: on a shared machine it explains most run-to-run spread.
  const load1m = Number(loadavg()[0]?.toFixed(2) ?? 0);
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, load1m, node: process.version, commit, date: new Date().toISOString() };
}

const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      blocks: { type: 'string', default: '60' },
      warmup: { type: 'string', default: '5' },
      txs: { type: 'string', default: '1000' },
      'tx-bytes': { type: 'string', default: '300' },
      'writes-per-tx': { type: 'string', default: '3' },
      dir: { type: 'string' },
      'write-buffer-mb': { type: 'string' },
      'no-save': { type: 'boolean', default: false },
    },
  });
  const blocks = Number(values.blocks);
  const warmup = Number(values.warmup);
  const shape: SyntheticShape = { txCount: Number(values.txs), txBytes: Number(values['tx-bytes']), stateWritesPerTx: Number(values['writes-per-tx']) };
  const dir = await mkdtemp(join(values.dir ?? tmpdir(), 'ledger-storage-bench-'));

  const writeBufferMb = values['write-buffer-mb'] === undefined ? DEFAULT_WRITE_BUFFER_BYTES / 2 ** 20 : Number(values['write-buffer-mb']);
  const kv = new TimedKv(new LevelKv({ path: dir, writeBufferSize: writeBufferMb * 2 ** 20 }));
  await kv.start();
  const store = new BlockStore({ location: dir }, { kv });
  await store.start();
  await store.initChain({ genesisHash: TEST_GENESIS_HASH, chainId: TEST_CHAIN_ID });
  kv.batches.length = 0;

  const commitMs: number[] = [];
  let parent = TEST_GENESIS_HASH;
  try {
    for (let h = 1; h <= warmup + blocks; h++) {
      // Building the input (tx hashes, header hash) is the executor's work, outside the timing.
      const input = buildSyntheticCommit(h, parent, shape);
      const t0 = performance.now();
      await store.commitBlock(input);
      if (h > warmup) commitMs.push(performance.now() - t0);
      parent = input.committed.hash;
    }
  } finally {
    await store.stop();
    await kv.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const timedBatches = kv.batches.slice(warmup);
  const batchMs = timedBatches.map((b) => b.ms);
  const opsPerBlock = timedBatches[0]?.ops ?? 0;
  const bytesPerBlock = timedBatches[0]?.bytes ?? 0;
  const commit = stats(commitMs);
  const batch = stats(batchMs);
  const totalBatchMs = batchMs.reduce((a, x) => a + x, 0);
  const raw = await measureLevelPutsPerSec({ batchSize: 1000, batches: 30, valueBytes: 300, ...(values.dir === undefined ? {} : { parentDir: values.dir }) });

  const id = `storage.commitBlock txs=${shape.txCount} txBytes=${shape.txBytes} writesPerTx=${shape.stateWritesPerTx} writeBufferMb=${writeBufferMb} sync=true`;
  const result = {
    id,
    warmup,
    repetitions: blocks,
    opsPerBlock,
    bytesPerBlock,
    commitMsMedian: round(commit.median),
    commitMsP99: round(commit.p99),
    batchMsMedian: round(batch.median),
    batchMsP99: round(batch.p99),
    blockPutsPerSec: Math.round((opsPerBlock * timedBatches.length * 1000) / totalBatchMs),
    levelPutsPerSec: raw.putsPerSec,
    levelBatchMsMedian: round(raw.medianBatchMs),
    targetMsPerBlock: 50,
    withinTarget: commit.median <= 50,
    env: environment(),
  };

  console.log(`\n${id}  (warm-up ${warmup}, ${blocks} blocks, ${opsPerBlock} ops / ${(bytesPerBlock / 1024).toFixed(0)} KiB per block)`);
  console.table({
    'commitBlock ms (encode + ops + synced batch)': { median: result.commitMsMedian, p99: result.commitMsP99 },
    'kv.batch ms (LevelDB write + fsync)': { median: result.batchMsMedian, p99: result.batchMsP99 },
  });
  console.log(`block puts/s (ops in block batches / batch time): ${result.blockPutsPerSec}`);
  console.log(`LevelDB batched puts/s (1,000 x 300 B, sync): ${result.levelPutsPerSec}`);
  console.log(`target <= 50 ms per 1,000-tx block: ${result.withinTarget ? 'met' : 'NOT met'}`);
  console.log(JSON.stringify(result));
  if (values['no-save'] !== true) {
    await mkdir(join(REPO, 'bench/results'), { recursive: true });
    await writeFile(join(REPO, 'bench/results/storage.json'), `${JSON.stringify(result, null, 2)}\n`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
