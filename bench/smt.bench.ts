/**
 * State tree micro-benchmark (src/crypto/smt.ts). Standalone:
 *   node --expose-gc --import tsx bench/smt.bench.ts [--sizes 10000,100000,1000000] [--reps 20]
 *     [--seed 1] [--out file.json]
 *
 * Per tree size: (a) update() of one batch of 3,000 writes (2/3 overwrite existing keys, 1/3
 * new keys) applied to the same base version each repetition (persistence keeps the size
 * fixed), ms per batch; (b) get() of present keys per second; (c) prove() + verifyStateProof()
 * per second; (d) fromEntries() of the whole size, seconds; plus the heap held by the tree
 * (needs --expose-gc) and CPU ms beside wall ms, since the machine is shared.
 * Prints a table and one JSON line (written to --out when given).
 */
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { sha256Binary } from '../src/crypto/hash.js';
import { StateTree, verifyStateProof } from '../src/crypto/smt.js';

const args = new Map<string, string>();
for (let i = 2; i + 1 < process.argv.length; i += 2) args.set((process.argv[i] as string).replace(/^--/, ''), process.argv[i + 1] as string);
const sizes = (args.get('sizes') ?? '10000,100000,1000000').split(',').map(Number);
const reps = Number(args.get('reps') ?? 20);
const seed = Number(args.get('seed') ?? 1);
const warmup = 3;
const BATCH = 3_000;
const VALUE_BYTES = 120;

// xorshift32: deterministic data per seed.
let rng = seed >>> 0 || 1;
function nextU32(): number {
  rng ^= rng << 13;
  rng >>>= 0;
  rng ^= rng >>> 17;
  rng ^= rng << 5;
  rng >>>= 0;
  return rng;
}
function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = nextU32() & 0xff;
  return out;
}
const keyOf = (i: number): Uint8Array => new TextEncoder().encode(`invoice/${i.toString(16).padStart(12, '0')}`);

function stats(samples: number[]): { median: number; p99: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)] as number, p99: s[Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)] as number };
}

// Records `id` (wall rate) and `${id}_cpu` (rate per CPU second) in results.
function perSecond(id: string, label: string, n: number, f: (i: number) => void): void {
  for (let i = 0; i < Math.min(n, 1000); i++) f(i);
  const c = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < n; i++) f(i);
  const rate = (n / (performance.now() - t)) * 1000;
  const cpu = process.cpuUsage(c);
  const cpuRate = n / ((cpu.user + cpu.system) / 1e6);
  results[id] = rate;
  results[`${id}_cpu`] = cpuRate;
  console.log(`  ${label.padEnd(34)} ${Math.round(rate).toLocaleString('en-US').padStart(12)} /s (${Math.round(cpuRate).toLocaleString('en-US')} /s of CPU)`);
}

function heapMb(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
  return process.memoryUsage().heapUsed / 1e6;
}

const results: Record<string, number> = {};
console.log(`smt bench: sizes=${sizes.join(',')} batch=${BATCH} reps=${reps} warmup=${warmup} seed=${seed}`);
// The floor under every figure below: one node hash is one of these calls.
const hashInput = new Uint8Array(65);
perSecond('sha256Binary_65B_per_s', 'sha256Binary, 65 B (the node hash)', 1_000_000, () => sha256Binary(hashInput));
// One function per size, so nothing of the previous size is reachable when heap is measured.
function runSize(size: number): void {
  const heapBefore = heapMb();
  const entries: [Uint8Array, Uint8Array][] = [];
  for (let i = 0; i < size; i++) entries.push([keyOf(i), randomBytes(VALUE_BYTES)]);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const tree = StateTree.fromEntries(entries);
  const buildS = (performance.now() - t0) / 1000;
  const c1 = process.cpuUsage(c0);
  const buildCpuS = (c1.user + c1.system) / 1e6;
  entries.length = 0;
  const treeMb = heapMb() - heapBefore;
  console.log(`size ${size.toLocaleString('en-US')}`);
  console.log(`  ${'fromEntries'.padEnd(34)} ${buildS.toFixed(2).padStart(12)} s, ${buildCpuS.toFixed(2)} s CPU (tree heap ~${treeMb.toFixed(0)} MB)`);
  results[`fromEntries_s{size=${size}}`] = buildS;
  results[`fromEntries_cpu_s{size=${size}}`] = buildCpuS;
  results[`tree_heap_mb{size=${size}}`] = treeMb;

  const batches: [Uint8Array, Uint8Array][][] = [];
  for (let r = 0; r < warmup + reps; r++) {
    const b: [Uint8Array, Uint8Array][] = [];
    for (let j = 0; j < BATCH; j++) {
      const existing = j % 3 !== 2;
      b.push([keyOf(existing ? nextU32() % size : size + r * BATCH + j), randomBytes(VALUE_BYTES)]);
    }
    batches.push(b);
  }
  const samples: number[] = [];
  const cpuSamples: number[] = [];
  batches.forEach((b, r) => {
    const c = process.cpuUsage();
    const t = performance.now();
    const next = tree.update(b);
    const ms = performance.now() - t;
    const cpu = process.cpuUsage(c);
    if (next.root.length !== 32) throw new Error('bad root');
    if (r >= warmup) {
      samples.push(ms);
      cpuSamples.push((cpu.user + cpu.system) / 1000);
    }
  });
  const u = stats(samples);
  const uc = stats(cpuSamples);
  console.log(`  ${`update ${BATCH} writes`.padEnd(34)} ${u.median.toFixed(1).padStart(12)} ms median, ${u.p99.toFixed(1)} ms p99, ${uc.median.toFixed(1)} ms CPU median (${Math.round((BATCH / u.median) * 1000).toLocaleString('en-US')} writes/s)`);
  results[`update_ms_median{size=${size},batch=${BATCH}}`] = u.median;
  results[`update_ms_p99{size=${size},batch=${BATCH}}`] = u.p99;
  results[`update_cpu_ms_median{size=${size},batch=${BATCH}}`] = uc.median;

  const probes = Array.from({ length: 4096 }, () => keyOf(nextU32() % size));
  const mask = probes.length - 1;
  let found = 0;
  perSecond(`get_per_s{size=${size}}`, 'get (present keys)', 300_000, (i) => {
    if (tree.get(probes[i & mask] as Uint8Array) !== undefined) found++;
  });
  if (found === 0) throw new Error('get found nothing');
  const absent = Array.from({ length: 4096 }, (_, i) => keyOf(size * 2 + i));
  perSecond(`prove_verify_per_s{size=${size},present}`, 'prove + verify (present)', 30_000, (i) => {
    if (!verifyStateProof(tree.root, tree.prove(probes[i & mask] as Uint8Array))) throw new Error('proof failed');
  });
  perSecond(`prove_verify_per_s{size=${size},absent}`, 'prove + verify (absent)', 30_000, (i) => {
    if (!verifyStateProof(tree.root, tree.prove(absent[i & mask] as Uint8Array))) throw new Error('proof failed');
  });
}

for (const size of sizes) runSize(size);

let commit = 'unknown';
try {
  commit = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
} catch {
  // Outside a git checkout the commit is simply unknown.
}
const env = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadAvg1m: loadavg()[0], node: process.version, commit, date: new Date().toISOString() };
const line = JSON.stringify({ bench: 'smt', seed, warmup, reps, batch: BATCH, valueBytes: VALUE_BYTES, env, results });
console.log(line);
const out = args.get('out');
if (out !== undefined) writeFileSync(out, `${line}\n`);
