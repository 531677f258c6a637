import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startMember, testMembers } from '../test/helpers/p2p-cluster.js';
import { PEER_OPS } from '../test/helpers/p2p-peer-ops.js';
import { killPeer, spawnPeer } from '../test/helpers/p2p-process.js';
import type { Encrypter, Libp2pTransport } from '../src/p2p/libp2p-transport.js';

// P2P bench: noise vs tls under Libp2pTransport (tcp + yamux, 127.0.0.1), two processes: this
// one sends, a child (test/helpers/p2p-peer.ts) receives, counts and echoes. Figures:
//   - bulk throughput with 4 KiB and 256 KiB messages on 'batches' (MB/s, payload bytes);
//   - pipelined 64 B messages on 'consensus' (msg/s);
//   - 64 B round trip on 'consensus', one at a time (p50/p99 µs).
// Run: node --import tsx bench/p2p.bench.ts [--reps 5] [--warmup 1] [--mb 64] [--no-save]

const REPO = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

interface Row {
  id: string;
  encrypter: Encrypter;
  warmup: number;
  repetitions: number;
  unit: string;
  median: number;
  p99: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

function environment(): Record<string, string | number> {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
  } catch {
    // Not a checkout: the commit is simply unknown.
  }
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, commit, date: new Date().toISOString() };
}

const round = (x: number, digits = 1): number => Number(x.toFixed(digits));

/** Routes the child's replies to whoever awaits them: BULK_DONE by run id, echoes in order. */
class Replies {
  private readonly done = new Map<number, (received: number) => void>();
  private echo: (() => void) | null = null;

  constructor(t: Libp2pTransport) {
    t.onMessage((_from, _channel, bytes) => {
      if (bytes[0] === PEER_OPS.BULK_DONE) {
        const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        this.done.get(v.getUint32(1))?.(v.getUint32(5));
      } else if (bytes[0] === PEER_OPS.ECHO) {
        this.echo?.();
      }
    });
  }

  bulkDone(run: number): Promise<number> {
    return new Promise((resolve) => this.done.set(run, resolve));
  }

  nextEcho(): Promise<void> {
    return new Promise((resolve) => {
      this.echo = resolve;
    });
  }
}

let runId = 0;

/** Sends `count` BULK messages of `sizeBytes` at once; ms until the peer confirms the last. */
async function bulkRun(t: Libp2pTransport, replies: Replies, channel: 'batches' | 'consensus', sizeBytes: number, count: number): Promise<number> {
  const run = runId++;
  const done = replies.bulkDone(run);
  const msgs: Uint8Array[] = [];
  for (let seq = 0; seq < count; seq++) {
    const m = new Uint8Array(Math.max(13, sizeBytes));
    const v = new DataView(m.buffer);
    m[0] = PEER_OPS.BULK;
    v.setUint32(1, run);
    v.setUint32(5, seq);
    v.setUint32(9, count);
    msgs.push(m);
  }
  const t0 = performance.now();
  for (const m of msgs) t.send(1, channel, m);
  const received = await done;
  const ms = performance.now() - t0;
  if (received !== count) throw new Error(`run ${run}: peer received ${received}/${count} (dropped ${t.stats().droppedQueueFull})`);
  return ms;
}

async function benchEncrypter(encrypter: Encrypter, reps: number, warmup: number, totalMb: number): Promise<Row[]> {
  const members = await testMembers(`bench-${process.pid}-${encrypter}`, 2);
  const peer = await spawnPeer(members, 1, encrypter);
  const t = await startMember(members, 0, { encrypter });
  const replies = new Replies(t);
  const rows: Row[] = [];
  try {
    for (const sizeBytes of [4 * 1024, 256 * 1024]) {
      const count = Math.round((totalMb * 1024 * 1024) / sizeBytes);
      const mbps: number[] = [];
      for (let r = 0; r < warmup + reps; r++) {
        const ms = await bulkRun(t, replies, 'batches', sizeBytes, count);
        if (r >= warmup) mbps.push((count * sizeBytes) / 1e6 / (ms / 1000));
      }
      rows.push(summary(`p2p.bulk encrypter=${encrypter} msgBytes=${sizeBytes} msgs=${count} channel=batches`, encrypter, warmup, 'MB/s', mbps));
    }
    const small = 50_000;
    const rates: number[] = [];
    for (let r = 0; r < warmup + reps; r++) {
      const ms = await bulkRun(t, replies, 'consensus', 64, small);
      if (r >= warmup) rates.push(small / (ms / 1000));
    }
    rows.push(summary(`p2p.pipelined encrypter=${encrypter} msgBytes=64 msgs=${small} channel=consensus`, encrypter, warmup, 'msg/s', rates));
    const rtts: number[] = [];
    const ping = new Uint8Array(64);
    ping[0] = PEER_OPS.ECHO;
    const trips = 2000;
    const warmTrips = 200;
    for (let i = 0; i < warmTrips + trips; i++) {
      const echoed = replies.nextEcho();
      const t0 = performance.now();
      t.send(1, 'consensus', ping);
      await echoed;
      if (i >= warmTrips) rtts.push((performance.now() - t0) * 1000);
    }
    rows.push(summary(`p2p.roundtrip encrypter=${encrypter} msgBytes=64 trips=${trips} channel=consensus`, encrypter, warmTrips, 'µs', rtts));
  } finally {
    await t.stop();
    await killPeer(peer);
  }
  return rows;
}

function summary(id: string, encrypter: Encrypter, warmup: number, unit: string, xs: readonly number[]): Row {
  const s = [...xs].sort((a, b) => a - b);
  const digits = unit === 'msg/s' ? 0 : 1;
  return { id, encrypter, warmup, repetitions: xs.length, unit, median: round(percentile(s, 50), digits), p99: round(percentile(s, 99), digits) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      reps: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '1' },
      mb: { type: 'string', default: '64' },
      encrypters: { type: 'string', default: 'noise,tls' },
      'no-save': { type: 'boolean', default: false },
    },
  });
  const encrypters = (values.encrypters ?? '').split(',') as Encrypter[];
  const rows: Row[] = [];
  for (const e of encrypters) rows.push(...(await benchEncrypter(e, Number(values.reps), Number(values.warmup), Number(values.mb))));
  const env = environment();
  console.log(`p2p bench, two processes over 127.0.0.1 (${String(env.cpu)}, ${env.cores} cores, Node ${String(env.node)}, ${String(env.commit)})`);
  console.log(['id'.padEnd(72), 'median'.padStart(10), 'p99'.padStart(10), 'unit'].join(' '));
  for (const r of rows) console.log([r.id.padEnd(72), String(r.median).padStart(10), String(r.p99).padStart(10), r.unit].join(' '));
  const json = { bench: 'p2p', env, rows };
  console.log(JSON.stringify(json));
  if (values['no-save'] !== true) {
    const dir = join(REPO, 'bench', 'results');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'p2p.json'), `${JSON.stringify(json, null, 2)}\n`);
  }
}

await main();
