import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import '../src/p2p/polyfill.js';
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { Libp2p } from '@libp2p/interface';
import { noise } from '@libp2p/noise';
import { tcp } from '@libp2p/tcp';
import { tls } from '@libp2p/tls';
import { yamux } from '@libp2p/yamux';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import { peerIdStringOf } from '../src/p2p/identity.js';
import { startMember, testMembers } from '../test/helpers/p2p-cluster.js';
import { PEER_OPS } from '../test/helpers/p2p-peer-ops.js';
import { killPeer, spawnPeer } from '../test/helpers/p2p-process.js';
import type { Encrypter, Libp2pTransport } from '../src/p2p/libp2p-transport.js';

// P2P bench: noise vs tls under Libp2pTransport (tcp + yamux, 127.0.0.1), two processes: this
// one sends, a child (test/helpers/p2p-peer.ts) receives, counts and echoes. Figures:
//   - bulk throughput with 4 KiB and 256 KiB messages on 'batches' (MB/s, payload bytes);
//   - pipelined 64 B messages on 'consensus' (msg/s);
//   - 64 B round trip on 'consensus', one at a time (p50/p99 µs);
//   - connection handshake of a non-member client (p50/p99 ms);
//   - CPU time of both processes per MB or per message (less sensitive to a busy machine).
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

/** The child's answer to a bulk run. */
interface BulkDone {
  readonly received: number;
  /** The child's cumulative CPU time (user + system) when it answered. */
  readonly childCpuMicros: number;
}

/** Routes the child's replies to whoever awaits them: BULK_DONE by run id, echoes in order. */
class Replies {
  private readonly done = new Map<number, (d: BulkDone) => void>();
  private echo: (() => void) | null = null;

  constructor(t: Libp2pTransport) {
    t.onMessage((_from, _channel, bytes) => {
      if (bytes[0] === PEER_OPS.BULK_DONE) {
        const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        this.done.get(v.getUint32(1))?.({ received: v.getUint32(5), childCpuMicros: v.getFloat64(9) });
      } else if (bytes[0] === PEER_OPS.ECHO) {
        this.echo?.();
      }
    });
  }

  bulkDone(run: number): Promise<BulkDone> {
    return new Promise((resolve) => this.done.set(run, resolve));
  }

  nextEcho(): Promise<void> {
    return new Promise((resolve) => {
      this.echo = resolve;
    });
  }
}

/** One encrypter's pair: this process sends (member 0), the child receives (member 1). */
interface Pair {
  readonly encrypter: Encrypter;
  readonly t: Libp2pTransport;
  readonly replies: Replies;
  readonly stop: () => Promise<void>;
  /** The child's listen address, for handshake timing. */
  readonly childAddress: string;
  lastChildCpuMicros: number;
}

/** Figures of one bulk run. */
interface RunResult {
  readonly ms: number;
  /** CPU time of both processes during the run (sender measured, receiver reported). */
  readonly cpuMicros: number;
}

let runId = 0;

/** Sends `count` BULK messages of `sizeBytes` at once; measured until the peer confirms the last. */
async function bulkRun(pair: Pair, channel: 'batches' | 'consensus', sizeBytes: number, count: number): Promise<RunResult> {
  const run = runId++;
  const done = pair.replies.bulkDone(run);
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
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const m of msgs) pair.t.send(1, channel, m);
  const d = await done;
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (d.received !== count) throw new Error(`run ${run}: peer received ${d.received}/${count} (dropped ${pair.t.stats().droppedQueueFull})`);
  const childCpu = d.childCpuMicros - pair.lastChildCpuMicros;
  pair.lastChildCpuMicros = d.childCpuMicros;
  return { ms, cpuMicros: cpu.user + cpu.system + childCpu };
}

async function startPair(encrypter: Encrypter): Promise<Pair> {
  const members = await testMembers(`bench-${process.pid}-${encrypter}`, 2);
  const peer = await spawnPeer(members, 1, encrypter);
  const t = await startMember(members, 0, { encrypter });
  return {
    encrypter, t, replies: new Replies(t), lastChildCpuMicros: 0,
    childAddress: `${members[1]?.member.address ?? ''}/p2p/${peerIdStringOf(members[1]?.member.publicKey ?? new Uint8Array(32))}`,
    stop: async () => {
      await t.stop();
      await killPeer(peer);
    },
  };
}

/**
 * Runs each measurement for every encrypter in turn, repetition by repetition, so that load
 * from other processes on this shared machine hits all encrypters alike. CPU per MB (both
 * processes) is reported next to wall-clock MB/s because it is far less sensitive to that load.
 */
async function benchAll(encrypters: readonly Encrypter[], reps: number, warmup: number, totalMb: number): Promise<Row[]> {
  const pairs: Pair[] = [];
  const rows: Row[] = [];
  try {
    for (const e of encrypters) pairs.push(await startPair(e));
    const bulk = async (channel: 'batches' | 'consensus', sizeBytes: number, count: number, label: string): Promise<void> => {
      const wall = new Map<Encrypter, number[]>();
      const cpu = new Map<Encrypter, number[]>();
      for (let r = 0; r < warmup + reps; r++) {
        for (const pair of pairs) {
          const res = await bulkRun(pair, channel, sizeBytes, count);
          if (r < warmup) continue;
          const mb = (count * sizeBytes) / 1e6;
          if (channel === 'batches') wall.set(pair.encrypter, [...(wall.get(pair.encrypter) ?? []), mb / (res.ms / 1000)]);
          else wall.set(pair.encrypter, [...(wall.get(pair.encrypter) ?? []), count / (res.ms / 1000)]);
          cpu.set(pair.encrypter, [...(cpu.get(pair.encrypter) ?? []), channel === 'batches' ? res.cpuMicros / 1000 / mb : res.cpuMicros / count]);
        }
      }
      for (const pair of pairs) {
        const id = `${label} encrypter=${pair.encrypter} msgBytes=${sizeBytes} msgs=${count} channel=${channel}`;
        rows.push(summary(id, pair.encrypter, warmup, channel === 'batches' ? 'MB/s' : 'msg/s', wall.get(pair.encrypter) ?? []));
        rows.push(summary(`${id} cpu`, pair.encrypter, warmup, channel === 'batches' ? 'cpu ms/MB' : 'cpu µs/msg', cpu.get(pair.encrypter) ?? []));
      }
    };
    for (const sizeBytes of [4 * 1024, 256 * 1024]) await bulk('batches', sizeBytes, Math.round((totalMb * 1024 * 1024) / sizeBytes), 'p2p.bulk');
    await bulk('consensus', 64, 50_000, 'p2p.pipelined');
    const trips = 2000;
    const warmTrips = 200;
    const rtts = new Map<Encrypter, number[]>();
    const ping = new Uint8Array(64);
    ping[0] = PEER_OPS.ECHO;
    for (let i = 0; i < warmTrips + trips; i++) {
      for (const pair of pairs) {
        const echoed = pair.replies.nextEcho();
        const t0 = performance.now();
        pair.t.send(1, 'consensus', ping);
        await echoed;
        if (i >= warmTrips) rtts.set(pair.encrypter, [...(rtts.get(pair.encrypter) ?? []), (performance.now() - t0) * 1000]);
      }
    }
    // Handshake: a non-member client dials the child; dial() resolves when the handshake is done
    // (the gater then cuts the connection). This is also what each stranger's attempt costs us.
    const handshakes = new Map<Encrypter, number[]>();
    const clients = await Promise.all(pairs.map(async (pair) => createLibp2p({
      privateKey: await generateKeyPair('Ed25519'),
      transports: [tcp()],
      connectionEncrypters: [pair.encrypter === 'tls' ? tls() : noise()],
      streamMuxers: [yamux()],
    })));
    const dials = 100;
    for (let i = 0; i < 10 + dials; i++) {
      for (const [k, pair] of pairs.entries()) {
        const client = clients[k] as Libp2p;
        const target = multiaddr(pair.childAddress);
        const t0 = performance.now();
        await client.dial(target);
        if (i >= 10) handshakes.set(pair.encrypter, [...(handshakes.get(pair.encrypter) ?? []), performance.now() - t0]);
        await client.hangUp(target).catch(() => undefined);
      }
    }
    await Promise.all(clients.map((c) => c.stop()));
    for (const pair of pairs) {
      rows.push(summary(`p2p.handshake encrypter=${pair.encrypter} dials=${dials} (non-member client)`, pair.encrypter, 10, 'ms', handshakes.get(pair.encrypter) ?? []));
    }
    for (const pair of pairs) {
      rows.push(summary(`p2p.roundtrip encrypter=${pair.encrypter} msgBytes=64 trips=${trips} channel=consensus`, pair.encrypter, warmTrips, 'µs', rtts.get(pair.encrypter) ?? []));
    }
  } finally {
    await Promise.all(pairs.map((p) => p.stop()));
  }
  return rows;
}

function summary(id: string, encrypter: Encrypter, warmup: number, unit: string, xs: readonly number[]): Row {
  const s = [...xs].sort((a, b) => a - b);
  const digits = unit === 'msg/s' ? 0 : unit.startsWith('cpu µs') || unit === 'ms' ? 2 : 1;
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
  const rows = await benchAll(encrypters, Number(values.reps), Number(values.warmup), Number(values.mb));
  const env = environment();
  console.log(`p2p bench, two processes over 127.0.0.1 (${String(env.cpu)}, ${env.cores} cores, Node ${String(env.node)}, ${String(env.commit)})`);
  console.log(['id'.padEnd(76), 'median'.padStart(10), 'p99'.padStart(10), 'unit'].join(' '));
  for (const r of rows) console.log([r.id.padEnd(76), String(r.median).padStart(10), String(r.p99).padStart(10), r.unit].join(' '));
  const json = { bench: 'p2p', env, rows };
  console.log(JSON.stringify(json));
  if (values['no-save'] !== true) {
    const dir = join(REPO, 'bench', 'results');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'p2p.json'), `${JSON.stringify(json, null, 2)}\n`);
  }
}

await main();
