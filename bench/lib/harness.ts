/**
 * The micro-benchmark harness (docs/conventions.md, Benchmarks): warm-up, repeated timed samples,
 * median and p99, the environment, a human table and one JSON line on stdout, and the same
 * JSON in bench/results/<name>.json.
 *
 * A sample times a batch of calls sized during warm-up to last about `minSampleMs`, so the
 * timer's own cost (~50 ns) stays below 1% even for sub-microsecond operations; the per-op
 * figure of a sample is its batch time divided by the operations it ran. Median and p99 are
 * over samples, so for fast operations p99 is the slow tail of batches (GC, a busy
 * neighbour), not of single calls. Operations are synchronous; results are kept in a sink so
 * the JIT cannot drop the work.
 *
 * Usage: `runBenchSuite({ name: 'codec', seed }, [{ id: 'codec.decode tx bytes=270', run }])`.
 * Command line of every bench: --repetitions N --warmup-ms N --min-sample-ms N --seed N
 * --filter SUBSTRING --no-save.
 */
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { captureEnvironment, repoRoot, type BenchEnvironment } from './environment.js';
import { printReport, saveReport } from './report.js';

/** One measured operation. The id carries its parameters (lodestar itBench ids). */
export interface BenchCase {
  readonly id: string;
  /** Runs `opsPerRun` operations. Must be synchronous. */
  readonly run: () => unknown;
  /** Operations per call of run, e.g. 1,000 when run hashes 1,000 items; default 1. */
  readonly opsPerRun?: number;
}

/** Harness settings; command-line flags override them. */
export interface BenchOptions {
  /** Suite name: the results file is bench/results/<name>.json. */
  readonly name: string;
  /** Seed of the suite's generated data, recorded with the results. */
  readonly seed: number;
  readonly warmupMs?: number;
  readonly repetitions?: number;
  readonly minSampleMs?: number;
  /** Extra parameters recorded with the results (sizes, counts). */
  readonly params?: Readonly<Record<string, string | number>>;
}

/** The figures of one case, per operation. */
export interface BenchResult {
  readonly id: string;
  readonly opsPerSec: number;
  readonly medianNs: number;
  readonly p99Ns: number;
  readonly minNs: number;
  readonly meanNs: number;
  /** Calls of run() during warm-up. */
  readonly warmupRuns: number;
  readonly repetitions: number;
  /** Calls of run() per sample. */
  readonly batch: number;
  readonly opsPerRun: number;
}

/** Everything one suite run produced. */
export interface BenchReport {
  readonly name: string;
  readonly command: string;
  readonly seed: number;
  readonly warmupMs: number;
  readonly minSampleMs: number;
  readonly params: Readonly<Record<string, string | number>>;
  readonly environment: BenchEnvironment;
  readonly results: readonly BenchResult[];
}

// Written on every call and never read: module state the JIT must keep, so the work stays.
let sink: unknown;

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

function timeBatch(run: () => unknown, batch: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < batch; i++) sink = run();
  return Number(process.hrtime.bigint() - t0);
}

/** Measures one case: calibrate and warm up, then `repetitions` samples. */
export function measure(c: BenchCase, opts: { warmupMs: number; repetitions: number; minSampleMs: number }): BenchResult {
  const opsPerRun = c.opsPerRun ?? 1;
  const targetNs = opts.minSampleMs * 1e6;
  // Warm up with growing batches for at least warmupMs, then size the sample batch from the
  // fastest per-call rate seen: the first calls carry one-time costs (JIT, noble's tables)
  // and a busy machine stalls some batches, and either would leave the batch too small.
  let batch = 1;
  let warmupRuns = 0;
  let bestPerCallNs = Number.POSITIVE_INFINITY;
  const warmStart = process.hrtime.bigint();
  while (warmupRuns < 2 || Number(process.hrtime.bigint() - warmStart) < opts.warmupMs * 1e6) {
    const ns = timeBatch(c.run, batch);
    bestPerCallNs = Math.min(bestPerCallNs, ns / batch);
    warmupRuns += batch;
    if (ns < targetNs && batch < 1 << 24) batch *= 2;
  }
  batch = Math.min(1 << 24, Math.max(1, Math.ceil(targetNs / Math.max(1, bestPerCallNs))));
  const perOp: number[] = [];
  for (let i = 0; i < opts.repetitions; i++) perOp.push(timeBatch(c.run, batch) / (batch * opsPerRun));
  perOp.sort((a, b) => a - b);
  const medianNs = percentile(perOp, 50);
  return {
    id: c.id,
    opsPerSec: 1e9 / medianNs,
    medianNs,
    p99Ns: percentile(perOp, 99),
    minNs: perOp[0] as number,
    meanNs: perOp.reduce((a, b) => a + b, 0) / perOp.length,
    warmupRuns,
    repetitions: opts.repetitions,
    batch,
    opsPerRun,
  };
}

/** Runs every case (those matching --filter), prints the table and JSON line, saves the JSON. */
export function runBenchSuite(options: BenchOptions, cases: readonly BenchCase[]): BenchReport {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      repetitions: { type: 'string' }, 'warmup-ms': { type: 'string' }, 'min-sample-ms': { type: 'string' },
      seed: { type: 'string' }, filter: { type: 'string' }, 'no-save': { type: 'boolean' },
    },
    strict: false,
  });
  const num = (v: unknown, fallback: number): number => (typeof v === 'string' && Number.isFinite(Number(v)) ? Number(v) : fallback);
  const settings = {
    warmupMs: num(values['warmup-ms'], options.warmupMs ?? 300),
    repetitions: Math.max(1, Math.floor(num(values.repetitions, options.repetitions ?? 50))),
    minSampleMs: num(values['min-sample-ms'], options.minSampleMs ?? 10),
  };
  const filter = typeof values.filter === 'string' ? values.filter : '';
  const environment = captureEnvironment();
  const results: BenchResult[] = [];
  for (const c of cases) {
    if (filter !== '' && !c.id.includes(filter)) continue;
    results.push(measure(c, settings));
    process.stderr.write(`  done ${c.id}\n`);
  }
  const report: BenchReport = {
    name: options.name,
    command: commandLine(),
    seed: options.seed,
    ...settings,
    params: options.params ?? {},
    environment,
    results,
  };
  printReport(report);
  if (values['no-save'] !== true) saveReport(report);
  return report;
}

// How to reproduce this run, relative to the repository root.
function commandLine(): string {
  const script = relative(repoRoot(), process.argv[1] ?? '');
  return [script.endsWith('.ts') ? 'npx tsx' : 'node', script, ...process.argv.slice(2)].join(' ');
}

/** The seed from --seed, or `fallback`: suites need it before building their data. */
export function benchSeed(fallback: number): number {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { seed: { type: 'string' } }, strict: false });
  const s = Number(values.seed);
  return typeof values.seed === 'string' && Number.isInteger(s) ? s : fallback;
}

/** Deterministic 32-bit generator (mulberry32) for bench data. */
export function seededRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** n bytes from a seeded generator. */
export function seededBytes(rng: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng() & 0xff;
  return out;
}
