// End-to-end consensus throughput (docs/conventions.md, Benchmarks): real `ledger` member processes on
// 127.0.0.1 (LevelDB with fsync, libp2p, every signature verified), a separate load process
// sending pre-signed transactions open-loop over REST, commit latency seen through the event
// stream, and this machine's own limits measured in the same run.
//   npm run build && npm run bench -- [--nodes 4] [--duration 30] [--rate 2000] [--sweep] [--json]
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildTx, txToJson } from '../src/client/build-tx.js';
import { loadKeyFile } from '../src/crypto/keys.js';
import { txHash } from '../src/crypto/tx.js';
import type { SigningKey } from '../src/crypto/ed25519.js';
import { Devnet } from '../src/node/devnet.js';
import { toHex } from '../src/util/bytes.js';
import { sweepChartSvg } from './throughput/chart.js';
import { totalCpuSeconds } from './throughput/cpu.js';
import { measureLevelPuts, measureVerifyPerSecPerCore } from './throughput/limits.js';
import { summarise, type LevelResult, type LoadReport } from './throughput/stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    nodes: { type: 'string', default: '4' }, duration: { type: 'string', default: '30' }, rate: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '5' }, accounts: { type: 'string', default: '64' }, sweep: { type: 'boolean', default: false },
    rates: { type: 'string' }, keep: { type: 'boolean', default: false }, profile: { type: 'string' }, json: { type: 'boolean', default: false }, out: { type: 'string', default: 'bench/results' },
    'verify-threads': { type: 'string' }, down: { type: 'string', default: '0' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (args.help) {
  process.stdout.write(`Usage: npm run bench -- [--nodes 4] [--duration 30] [--rate 2000] [--warmup 5] [--accounts 64]
                      [--sweep [--rates 500,1000,...]] [--json] [--out bench/results]
                      [--keep] [--profile DIR] [--verify-threads N] [--down N]
Starts --nodes real members on 127.0.0.1, offers --rate tx/s for --warmup + --duration seconds
from a separate load process, and reports steady-state throughput and commit latency next to
this machine's limits. --sweep runs increasing rates, finds saturation, reruns at 80% of it and
writes an SVG chart next to the JSON. --keep keeps the members' data and info logs;
--profile DIR writes a V8 CPU profile of every member into DIR (open in Chrome DevTools);
--verify-threads N sets each member's signature-verification threads (default: the node's).
--down N measures twice in the same run: all members up, then with the last N members stopped
(SIGSTOP, as a crashed or unreachable host looks) for the whole measurement, load sent to the
others; prints both figures side by side.\n`);
  process.exit(0);
}
const nodes = Number(args.nodes);
const durationS = Number(args.duration);
const warmupS = Number(args.warmup);
const accountsN = Number(args.accounts);
const sweepRates = (args.rates ?? '250,500,1000,1500,2000,3000,4000').split(',').map(Number);
const down = Number(args.down);
if (!Number.isInteger(down) || down < 0 || down >= nodes) {
  process.stderr.write(`bench: --down must be an integer from 0 to ${nodes - 1}\n`);
  process.exit(2);
}
const levelCount = (args.sweep ? sweepRates.length + 1 : 1) * (down > 0 ? 2 : 1);
const log = (s: string): void => void process.stderr.write(`${s}\n`);

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

// A member's key: the load process's event stream reads whole blocks, which needs a read token.
let readKeyFile = '';

type Level = LevelResult & { memberCpuUsPerTx: number | null; loadGenCpuUsPerTx: number | null };

async function runLevel(api: readonly string[], pids: readonly number[], keys: SigningKey[], nonces: number[], chainId: string, rate: number, seconds: number, workDir: string, tag: string): Promise<Level> {
  const total = Math.ceil(rate * seconds);
  const lines: string[] = [];
  // ~300-byte transactions: asset registrations with unique ids and fingerprints.
  const pad = 'x'.repeat(80);
  for (let i = 0; i < total; i++) {
    const a = i % keys.length;
    const id = `${tag}-${i}`;
    const tx = buildTx(keys[a] as SigningKey, chainId, 'asset.register', { id, kind: 'warehouse-receipt', fingerprint: `fp-${id}`, metadata: { note: pad } }, nonces[a] as number);
    nonces[a] = (nonces[a] as number) + 1;
    lines.push(JSON.stringify({ hash: toHex(txHash(tx)), body: JSON.stringify(txToJson(tx)) }));
  }
  const txsFile = join(workDir, `${tag}.jsonl`);
  await writeFile(txsFile, lines.join('\n') + '\n');
  const jobFile = join(workDir, `${tag}.job.json`);
  await writeFile(jobFile, JSON.stringify({ apis: api, txsFile, ratePerSec: rate, drainMs: 15_000, readKeyFile, chainId }));
  const cpuBefore = totalCpuSeconds(pids);
  const out = await new Promise<string>((res, rej) => {
    const p = spawn(process.execPath, [join(here, 'throughput', 'load-gen.js'), jobFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    p.stdout.on('data', (c: Buffer) => (buf += c.toString()));
    p.on('exit', (code) => (code === 0 ? res(buf) : rej(new Error(`load process exited ${code}`))));
  });
  const cpuAfter = totalCpuSeconds(pids);
  const report = JSON.parse(out.trim().split('\n').pop() as string) as LoadReport;
  if (report.refused > 0) log(`  refused: ${JSON.stringify(report.refusedCodes)}`);
  if (report.failed > 0) log(`  failed: ${report.failed} (connection errors, or still queued in the load process when its drain ended)`);
  // CPU of all members per committed transaction, over the whole level (warm-up included).
  const memberCpuUsPerTx = cpuBefore === null || cpuAfter === null || report.commits.length === 0
    ? null : Math.round(((cpuAfter - cpuBefore) * 1e6) / report.commits.length);
  const loadGenCpuUsPerTx = report.cpuUs === undefined || report.sent === 0 ? null : Math.round(report.cpuUs / report.sent);
  return { ...summarise(report, rate, Math.min(warmupS * 1000, (seconds * 1000) / 3)), memberCpuUsPerTx, loadGenCpuUsPerTx };
}

async function main(): Promise<void> {
  const loadAtStart = loadavg();
  log('measuring this machine: ed25519 verify per core, LevelDB batched puts ...');
  const verifyPerSecPerCore = measureVerifyPerSecPerCore();
  const levelPutsPerSec = await measureLevelPuts();
  const cores = cpus().length;
  const limitTps = Math.round((cores * verifyPerSecPerCore) / nodes);
  log(`  verify ${verifyPerSecPerCore}/s/core, LevelDB ${levelPutsPerSec} puts/s, limit ${limitTps} tx/s for ${nodes} members on ${cores} cores`);

  const workDir = await mkdtemp(join(tmpdir(), 'ledger-bench-'));
  const base = 21_000 + Math.floor(Math.random() * 20_000);
  const devnet = new Devnet({
    nodes, dataDir: join(workDir, 'net'), apiPort: base, p2pPort: base + 100, cliScript: resolve(here, '..', 'src', 'cli', 'main.js'),
    log, env: {
      LEDGER_LOG_LEVEL: process.env['LEDGER_LOG_LEVEL'] ?? (args.keep ? 'info' : 'warn'),
      ...(args['verify-threads'] !== undefined ? { LEDGER_VERIFY_THREADS: args['verify-threads'] } : {}),
    },
    ...(args.profile !== undefined ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${resolve(args.profile)}`] } : {}),
    // Every load level signs with its own accounts: a level past saturation ends with requests
    // never sent (still queued in the load process when its drain ends), and the nonce gaps they
    // leave would hold every later transaction of those accounts in the pools for good.
    accounts: Array.from({ length: accountsN * levelCount }, (_, i) => ({ name: `bench${i}`, role: 'integrator' as const })),
  });
  const levels: Level[] = [];
  let final: Level;
  let downResult: { final: Level; levels: Level[]; upLevels: Level[] } | null = null;
  try {
    const manifest = await devnet.start();
    await devnet.waitReady(0, 60_000);
    const api = manifest.nodes.map((n) => n.api);
    const pids = manifest.nodes.map((n) => n.pid);
    readKeyFile = manifest.accounts.find((a) => a.role === 'member')?.keyFile ?? '';
    const allKeys = await Promise.all(manifest.accounts.filter((a) => a.name.startsWith('bench')).map((a) => loadKeyFile(a.keyFile)));
    let level = 0;
    const nextAccounts = (): SigningKey[] => allKeys.slice(accountsN * level, accountsN * ++level);
    const measure = async (apis: readonly string[], phase: string): Promise<{ final: Level; levels: Level[] }> => {
      const phaseLevels: Level[] = [];
      if (args.sweep) {
        for (const r of sweepRates) {
          const keys = nextAccounts();
          const lv = await runLevel(apis, pids, keys, keys.map(() => 0), manifest.chainId, r, Math.min(durationS, 15), workDir, `${phase}s${r}`);
          log(`  ${phase}: offered ${r} tx/s → ${lv.tps} tx/s, p50 ${lv.p50Ms} ms, p99 ${lv.p99Ms} ms, ${lv.memberCpuUsPerTx} member-CPU µs/tx`);
          phaseLevels.push(lv);
        }
        const saturation = Math.max(...phaseLevels.map((l) => l.tps));
        const at80 = Math.max(50, Math.round(saturation * 0.8));
        log(`${phase}: saturation ≈ ${saturation} tx/s; measuring at 80% (${at80} tx/s) for ${durationS} s`);
        const keys = nextAccounts();
        return { final: await runLevel(apis, pids, keys, keys.map(() => 0), manifest.chainId, at80, warmupS + durationS, workDir, `${phase}at80`), levels: phaseLevels };
      }
      log(`${phase}: offering ${args.rate} tx/s for ${warmupS} + ${durationS} s`);
      const keys = nextAccounts();
      return { final: await runLevel(apis, pids, keys, keys.map(() => 0), manifest.chainId, Number(args.rate), warmupS + durationS, workDir, `${phase}main`), levels: phaseLevels };
    };
    const upRun = await measure(api, 'all-up');
    final = upRun.final;
    levels.push(...upRun.levels);
    if (down > 0) {
      const stopped = pids.slice(nodes - down);
      const upApis = api.slice(0, nodes - down);
      for (const pid of stopped) process.kill(pid, 'SIGSTOP');
      try {
        // The schedule skips a stopped member after its first failed turn (docs/protocol.md
        // R3c) and once its signatures leave the window (R3b). An idle chain writes no block
        // (R24), so the windows fill under the measure's own load, in its warm-up.
        const downRun = await measure(upApis, `${down}-down`);
        downResult = { ...downRun, upLevels: upRun.levels };
      } finally {
        for (const pid of stopped) process.kill(pid, 'SIGCONT');
      }
    }
  } finally {
    await devnet.stop();
    if (args.keep) log(`kept ${workDir} (member logs in net/logs)`);
    else await rm(workDir, { recursive: true, force: true });
  }
  const line = {
    nodes, durationS, ...(downResult === null ? {} : { down, downTps: downResult.final.tps, downP99Ms: downResult.final.p99Ms }), offeredTps: final.offeredTps, tps: final.tps, p50Ms: final.p50Ms, p95Ms: final.p95Ms, p99Ms: final.p99Ms,
    verifyPerSecPerCore, levelPutsPerSec, limitTps, cores, nodeVersion: process.version, commit: gitCommit(),
  };
  const env = { cpuModel: cpus()[0]?.model ?? 'unknown', date: new Date().toISOString(), command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim() };
  const table = [
    ['members', String(nodes)], ['offered tx/s', String(final.offeredTps)], ['achieved tx/s', String(final.tps)],
    ['tps / limitTps', (final.tps / limitTps).toFixed(3)], ['p50 / p95 / p99 ms', `${final.p50Ms} / ${final.p95Ms} / ${final.p99Ms}`],
    ['sent / committed / refused', `${final.sent} / ${final.committed} / ${final.refused}`],
    ['member CPU µs per tx (all members)', String(final.memberCpuUsPerTx ?? 'n/a')],
    ['load process CPU µs per tx', String(final.loadGenCpuUsPerTx ?? 'n/a')],
    ['CPU-bound ceiling tx/s', final.memberCpuUsPerTx === null ? 'n/a' : String(Math.round((cores * 1e6) / final.memberCpuUsPerTx))],
    ['verify/s per core', String(verifyPerSecPerCore)], ['LevelDB puts/s', String(levelPutsPerSec)], ['limitTps', String(limitTps)],
    ['load average 1m (start / end)', `${(loadAtStart[0] ?? 0).toFixed(2)} / ${(loadavg()[0] ?? 0).toFixed(2)}`],
    ['cores / cpu', `${cores} / ${env.cpuModel}`], ['node / commit', `${process.version} / ${line.commit}`],
  ];
  if (downResult !== null) {
    const d = downResult.final;
    const sat = (ls: readonly Level[], f: Level): number => (ls.length > 0 ? Math.max(...ls.map((l) => l.tps)) : f.tps);
    const [upSat, downSat] = [sat(downResult.upLevels, final), sat(downResult.levels, d)];
    table.splice(3, 0,
      [`${down} down: achieved tx/s`, `${d.tps} (offered ${d.offeredTps})`],
      [`${down} down: p50 / p95 / p99 ms`, `${d.p50Ms} / ${d.p95Ms} / ${d.p99Ms}`],
      [args.sweep ? 'saturation up / down / ratio' : 'tx/s up / down / ratio', `${upSat} / ${downSat} / ${(downSat / Math.max(1, upSat)).toFixed(2)}`],
      ['p99 down / up', (d.p99Ms / Math.max(1, final.p99Ms)).toFixed(2)],
    );
  }
  for (const [k, v] of table) process.stdout.write(`${(k as string).padEnd(32)} ${v}\n`);
  await mkdir(args.out as string, { recursive: true });
  const name = `throughput-${nodes}n${args.sweep ? '-sweep' : ''}${down > 0 ? `-down${down}` : ''}`;
  await writeFile(join(args.out as string, `${name}.json`), JSON.stringify({
    ...line, ...env, memberCpuUsPerTx: final.memberCpuUsPerTx, loadGenCpuUsPerTx: final.loadGenCpuUsPerTx, verifyThreads: args['verify-threads'] ?? 'default',
    levels, tpsOverLimit: final.tps / limitTps, loadAverageAtStart: loadAtStart, loadAverage: loadavg(),
    ...(downResult === null ? {} : { down, downFinal: downResult.final, downLevels: downResult.levels }),
  }, null, 2) + '\n');
  if (args.sweep) await writeFile(join(args.out as string, `${name}.svg`), sweepChartSvg(levels, `${nodes} members, ${cores} cores: throughput and p99 vs offered load`));
  process.stdout.write(JSON.stringify(line) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
