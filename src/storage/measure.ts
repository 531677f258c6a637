import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KvOp } from '../types/edges.js';
import { u64be } from '../util/bytes.js';
import { LevelKv } from './level-kv.js';

/** Parameters of measureLevelPutsPerSec. */
export interface LevelPutsOpts {
  /** Directory to create the scratch database in; defaults to the OS temp dir. */
  readonly parentDir?: string;
  /** Puts per batch (one batch ≈ one block). */
  readonly batchSize?: number;
  /** Timed batches, after `warmupBatches` untimed ones. */
  readonly batches?: number;
  /** Untimed batches first, so LevelDB's files and the JIT are warm. */
  readonly warmupBatches?: number;
  /** Size of each value; 300 B is one transaction. */
  readonly valueBytes?: number;
}

/** Result of measureLevelPutsPerSec. */
export interface LevelPutsResult {
  /** Keys written per second in synced batches: the machine's LevelDB write bound. */
  readonly putsPerSec: number;
  /** The parameters used, echoed for the result line. */
  readonly batchSize: number;
  readonly batches: number;
  readonly valueBytes: number;
  /** Median wall time of one synced batch. */
  readonly medianBatchMs: number;
}

/**
 * Measures LevelDB batched puts per second on this machine: `batches` synced batches of
 * `batchSize` random-ish 32-byte keys with `valueBytes` values, in a scratch directory that
 * is deleted afterwards. The throughput benchmark prints it as `levelPutsPerSec`.
 */
export async function measureLevelPutsPerSec(opts: LevelPutsOpts = {}): Promise<LevelPutsResult> {
  const batchSize = opts.batchSize ?? 1000;
  const batches = opts.batches ?? 30;
  const warmup = opts.warmupBatches ?? 3;
  const valueBytes = opts.valueBytes ?? 300;
  const dir = await mkdtemp(join(opts.parentDir ?? tmpdir(), 'ledger-level-puts-'));
  const kv = new LevelKv({ path: dir });
  try {
    await kv.start();
    const value = new Uint8Array(valueBytes).fill(0x5a);
    const times: number[] = [];
    let seq = 0;
    for (let b = 0; b < warmup + batches; b++) {
      const ops: KvOp[] = [];
      for (let i = 0; i < batchSize; i++) {
        // Spread keys over the key space, as tx hashes and state keys are.
        const key = new Uint8Array(32);
        key.set(u64be(Math.imul(seq++, 0x9e3779b1) >>> 0), 0);
        key.set(u64be(seq), 24);
        ops.push({ key, value });
      }
      const t0 = performance.now();
      await kv.batch(ops, { sync: true });
      if (b >= warmup) times.push(performance.now() - t0);
    }
    const totalMs = times.reduce((a, t) => a + t, 0);
    times.sort((a, c) => a - c);
    return {
      putsPerSec: Math.round((batchSize * batches * 1000) / totalMs),
      batchSize,
      batches,
      valueBytes,
      medianBatchMs: times[Math.floor(times.length / 2)] ?? 0,
    };
  } finally {
    await kv.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
