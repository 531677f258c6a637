// `npm run soak`: a consortium under fire. Each member runs in its own network namespace on a
// private bridge (separate hosts on one machine), a load process in another sends signed
// transactions open-loop, and a seeded nemesis applies one fault after another. At the end a
// checker reads every member's chain and proves no fork, no lost or duplicated commit, no
// nonce applied twice, bounded recovery and catch-up, bounded memory. Writes a JSON result and
// an SVG chart; exits 1 on any violation, naming the seed to replay. Needs root.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initConsortium } from '../../src/node/init-consortium.js';
import { loadKeyFile } from '../../src/crypto/keys.js';
import { createReadToken } from '../../src/crypto/read-token.js';
import { captureEnvironment } from '../lib/environment.js';
import { ChaosCluster } from './cluster.js';
import { checkHistory, DEFAULT_BOUNDS, type CheckedBlock, type ChaosHistory } from './checker.js';
import { ClusterMonitor } from './monitor.js';
import { FAULT_KINDS, runNemesis, seededRandom, type FaultKind } from './nemesis.js';
import { NetnsNetwork } from './netns.js';
import { chaosChartSvg, commitsPerSecond } from './report.js';
import type { LoadJob, LoadResult } from './load.js';

const HELP = `Usage: npm run soak -- [--members 4] [--duration 600] [--rate 40] [--seed N] [--out bench/results]
                      [--kinds k1,k2,...] [--hold 4000,10000] [--gap 4000,12000] [--keep]

Runs N members in separate network namespaces under open-loop load while a seeded nemesis
applies faults (${FAULT_KINDS.join(', ')}), then checks every member's chain.
Needs root (ip netns, tmpfs mounts) and Debian's faketime package (clock-skew faults).

Options:
  --members N        members (4 or 7 are the tested sizes; default 4)
  --duration S       seconds of load and faults (default 600)
  --rate R           offered transactions per second (default 40)
  --seed N           nemesis seed (default: random; printed, replay with it)
  --kinds LIST       fault kinds to use (default: all)
  --hold MIN,MAX     how long a fault lasts, ms (default 4000,10000)
  --gap MIN,MAX      quiet time after each recovery, ms (default 3000,8000)
  --out DIR          where chaos-<N>n-<S>s.json and .svg go (default bench/results)
  --keep             keep the work folder (member logs) even when the run passes
Exit status: 0 checker green, 1 a violation (printed with the seed), 2 bad usage.`;

const here = dirname(fileURLToPath(import.meta.url));
const log = (line: string): void => {
  process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

function pair(v: string, flag: string): [number, number] {
  const [a, b] = v.split(',').map(Number);
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || a < 0 || b < a) throw new UsageError(`--${flag}: expected MIN,MAX in ms`);
  return [a, b];
}

class UsageError extends Error {}

async function readChain(api: string, upTo: number, headers: () => Record<string, string>): Promise<CheckedBlock[]> {
  const out: CheckedBlock[] = [];
  let cursor: string | null = '';
  while (cursor !== null && out.length < upTo) {
    const url = `${api}/v1/blocks?limit=${Math.min(100, upTo - out.length)}${cursor === '' ? '' : `&cursor=${cursor}`}`;
    const r = await fetch(url, { headers: headers(), signal: AbortSignal.timeout(30_000) });
    if (!r.ok) throw new Error(`${url}: ${r.status}`);
    const page = (await r.json()) as { items: { hash: string; header: { height: number }; txs: { hash: string; signer: string; nonce: number }[] }[]; nextCursor: string | null };
    for (const b of page.items) out.push({ height: b.header.height, hash: b.hash, txs: b.txs.map((t) => ({ hash: t.hash, signer: t.signer, nonce: t.nonce })) });
    cursor = page.nextCursor;
  }
  return out.slice(0, upTo);
}

async function main(): Promise<number> {
  const { values: a } = parseArgs({
    options: {
      members: { type: 'string', default: '4' }, duration: { type: 'string', default: '600' }, rate: { type: 'string', default: '40' },
      seed: { type: 'string' }, kinds: { type: 'string' }, hold: { type: 'string', default: '4000,10000' }, gap: { type: 'string', default: '3000,8000' },
      out: { type: 'string', default: 'bench/results' }, keep: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
    },
  });
  if (a.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  const members = Number(a.members);
  const durationS = Number(a.duration);
  const rate = Number(a.rate);
  if (!Number.isInteger(members) || members < 4 || members > 16) throw new UsageError('--members: 4..16');
  if (!Number.isFinite(durationS) || durationS < 30) throw new UsageError('--duration: at least 30 s');
  if (!Number.isFinite(rate) || rate <= 0) throw new UsageError('--rate: a positive number');
  const kinds = (a.kinds?.split(',') ?? [...FAULT_KINDS]) as FaultKind[];
  for (const k of kinds) if (!FAULT_KINDS.includes(k)) throw new UsageError(`--kinds: unknown fault "${k}" (${FAULT_KINDS.join(', ')})`);
  const hold = pair(a.hold as string, 'hold');
  const gap = pair(a.gap as string, 'gap');
  const seed = a.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(a.seed);
  if (process.getuid?.() !== 0) throw new UsageError('needs root: network namespaces and tmpfs mounts');
  log(`seed ${seed}: ${members} members, ${durationS} s, ${rate} tx/s, faults ${kinds.join(', ')}`);

  const env = captureEnvironment();
  const workDir = await mkdtemp(join(tmpdir(), 'ledger-chaos-'));
  const tag = (seed % 46656).toString(36).padStart(3, '0') + (process.pid % 36).toString(36);
  const net = new NetnsNetwork(tag, members + 1, 100 + (process.pid % 100));
  let cluster: ChaosCluster | null = null;
  let load: ChildProcess | null = null;
  let monitor: ClusterMonitor | null = null;
  const emergency = (): void => {
    load?.kill('SIGKILL');
    for (const m of cluster?.members ?? []) {
      m.proc?.kill('SIGCONT');
      m.proc?.kill('SIGKILL');
    }
  };
  const onSignal = (): void => {
    emergency();
    void (cluster?.teardown() ?? Promise.resolve()).finally(() => {
      net.down();
      process.exit(130);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let failed = true;
  try {
    net.up();
    const init = await initConsortium({
      members, outDir: workDir, chainId: `chaos-${seed}`, host: '127.0.0.1', hosts: net.hosts.slice(0, members).map((h) => h.address),
      apiPort: 8080, p2pPort: 9080, accounts: [{ name: 'auditor', role: 'auditor' as const }, ...Array.from({ length: 16 }, (_, i) => ({ name: `load${i}`, role: 'integrator' as const }))], genesisTimeMs: Date.now(),
    });
    const auditor = init.accounts.find((x) => x.name === 'auditor');
    if (auditor === undefined) throw new Error('no auditor account in the chaos genesis');
    const readKey = await loadKeyFile(auditor.keyFile);
    const readHeaders = (): Record<string, string> => ({ authorization: `Bearer ${createReadToken(readKey, init.genesis.chainId)}` });
    const t0 = Date.now();
    cluster = new ChaosCluster({
      net, cliScript: resolve(here, '..', '..', 'src', 'cli', 'main.js'), workDir, apiPort: 8080, tmpfsMb: 512, t0,
      members: init.members.map((m) => ({ name: m.name, configFile: m.configFile, dataDir: m.dataDir })),
      // Members listen on their namespace's address over plain HTTP: a private test network.
      env: { LEDGER_LOG_LEVEL: process.env['LEDGER_LOG_LEVEL'] ?? 'info', LEDGER_API_INSECURE_HTTP: '1' },
    });
    await cluster.mountData();
    for (let i = 0; i < members; i++) cluster.start(i);
    monitor = new ClusterMonitor(cluster, t0);
    monitor.start();
    const mon = monitor;
    // An idle chain writes no block (docs/protocol.md R24): /v1/status ready is the signal.
    const ready = await monitor.waitFor(() => mon.ready.every((r) => r), 90_000);
    if (ready === null) throw new Error(`members not ready after 90 s (ready ${monitor.ready.join(',')}, heights ${monitor.heights.join(',')}); logs in ${workDir}`);
    log(`consortium ready in ${Date.now() - t0} ms at ${cluster.members.map((m) => m.api).join(' ')}`);

    const loadOut = join(workDir, 'load.json');
    const job: LoadJob = {
      apis: cluster.members.map((m) => m.api), names: cluster.members.map((m) => m.name), chainId: init.genesis.chainId,
      keyFiles: init.accounts.filter((x) => x.role === 'integrator').map((x) => x.keyFile), readKeyFile: auditor.keyFile, ratePerSec: rate, durationMs: durationS * 1000, resubmitAfterMs: 5_000, drainMs: 30_000, outFile: loadOut,
    };
    await writeFile(join(workDir, 'load-job.json'), JSON.stringify(job));
    const loadStartMs = Date.now() - t0;
    load = spawn(net.exec(members)[0] as string, [...net.exec(members).slice(1), process.execPath, resolve(here, 'load.js'), join(workDir, 'load-job.json')], { stdio: ['ignore', 'inherit', 'inherit'] });
    const loadDone = new Promise<void>((res) => load?.once('exit', () => res()));

    const faults = await runNemesis({
      cluster, net, monitor, rand: seededRandom(seed), t0, holdMs: hold, catchUpTimeoutMs: 30_000, log, readHeaders,
    }, loadStartMs + (durationS - 15) * 1000, gap, kinds);

    const loadTimer = setTimeout(() => load?.kill('SIGTERM'), (durationS + 60) * 1000 - (Date.now() - t0 - loadStartMs));
    await loadDone;
    clearTimeout(loadTimer);
    const loadResult = await readFile(loadOut, 'utf8').then((t) => JSON.parse(t) as LoadResult, (e: unknown) => {
      throw new Error(`the load process left no result (${(e as Error).message}); see its output above`);
    });
    // Every height the load saw committed must be read back, even one the monitor's last poll missed.
    const top = Math.max(monitor.maxHeight(), ...loadResult.committed.map((c) => c.height));
    const converged = await monitor.waitFor(() => mon.heights.every((h) => h >= top), 60_000);
    log(`load done: ${loadResult.sent} sent, ${loadResult.resends} resends, ${new Set(loadResult.committed.map((c) => c.hash)).size} committed; members ${converged === null ? 'NOT converged' : 'converged'} at ${monitor.heights.join(',')}`);
    monitor.stop();

    const chains = await Promise.all(cluster.members.map(async (m) => ({ name: m.name, blocks: await readChain(m.api, top, readHeaders).catch(() => []) })));
    const history: ChaosHistory = {
      checkHeight: top,
      members: chains,
      reportedCommitted: loadResult.committed.map((c) => ({ hash: c.hash, member: c.member, height: c.height })),
      faults, rssMaxMb: cluster.members.map((m, i) => ({ member: m.name, mb: monitor?.rssMaxMb[i] ?? 0 })), sent: loadResult.sent,
    };
    const violations = checkHistory(history);
    const recoveries = faults.map((f) => f.recoveryMs ?? Infinity).sort((x, y) => x - y);
    const catchUps = faults.flatMap((f) => f.catchUp.map((c) => c.ms ?? Infinity)).sort((x, y) => x - y);
    const finite = (x: number | null | undefined): number | null => (x === undefined || x === null || !Number.isFinite(x) ? null : x);
    const p99 = (xs: number[]): number | null => (xs.length === 0 ? null : (xs[Math.min(xs.length - 1, Math.ceil(xs.length * 0.99) - 1)] as number));
    const perSecond = commitsPerSecond(loadResult.committed.map((c) => ({ hash: c.hash, atMs: c.atMs + loadStartMs })), Date.now() - t0);
    const summary = {
      seed, members, durationS, offeredTps: rate, faults: faults.length, kinds: [...new Set(faults.map((f) => f.kind))],
      sent: loadResult.sent, resends: loadResult.resends, committed: new Set(loadResult.committed.map((c) => c.hash)).size, uncommitted: loadResult.uncommitted,
      finalHeight: top, recoveryMaxMs: finite(recoveries.at(-1)), recoveryP99Ms: finite(p99(recoveries)), catchUpMaxMs: finite(catchUps.at(-1)), catchUpP99Ms: finite(p99(catchUps)),
      rssMaxMb: Math.round(Math.max(...history.rssMaxMb.map((r) => r.mb))), violations: violations.length, bounds: DEFAULT_BOUNDS,
      loadAverageEnd: loadavg(), submitOutcomes: loadResult.outcomes,
    };
    const outDir = resolve(a.out as string);
    await mkdir(outDir, { recursive: true });
    const name = `chaos-${members}n-${durationS}s`;
    await writeFile(join(outDir, `${name}.json`), JSON.stringify({ ...summary, env, command: `npm run soak -- ${process.argv.slice(2).join(' ')}`, violationList: violations, faultList: faults }, null, 2) + '\n');
    await writeFile(join(outDir, `${name}.svg`), chaosChartSvg(perSecond, faults.map((f) => ({ ...f, startMs: f.startMs, healMs: f.healMs })),
      `${members} members, ${durationS} s, ${rate} tx/s offered, ${faults.length} faults (seed ${seed}): committed tx/s`));
    for (const [k, v] of Object.entries(summary)) if (typeof v !== 'object' || v === null) process.stdout.write(`${k.padEnd(16)} ${String(v)}\n`);
    for (const v of violations.slice(0, 50)) process.stdout.write(`VIOLATION ${v.kind}: ${v.detail}\n`);
    if (violations.length > 0) {
      process.stdout.write(`checker: ${violations.length} violations; replay with --seed ${seed}; member logs kept in ${workDir}\n`);
      for (const m of cluster.members) await copyFile(m.logFile, join(outDir, `${name}-${m.name}.log`)).catch(() => undefined);
    } else {
      process.stdout.write(`checker: green (${faults.length} faults of ${summary.kinds.length} kinds)\n`);
      failed = false;
    }
    return failed ? 1 : 0;
  } finally {
    monitor?.stop();
    emergency();
    await cluster?.teardown();
    net.down();
    const left = net.leftovers();
    if (left.length > 0) log(`WARNING: left behind ${left.join(', ')}`);
    if (!failed && !a.keep) await rm(workDir, { recursive: true, force: true });
    else log(`work folder kept: ${workDir}`);
  }
}

main().then((code) => process.exit(code), (e: unknown) => {
  if (e instanceof UsageError) {
    process.stderr.write(`soak: ${e.message}\n${HELP}\n`);
    process.exit(2);
  }
  process.stderr.write(`soak: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
