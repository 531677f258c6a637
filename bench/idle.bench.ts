// The quiet idle chain (docs/protocol.md R24), measured on real member processes: a devnet
// commits two transactions, is left idle for --minutes, and the benchmark reports the blocks,
// views and view changes the idle period caused, the data folders' growth (and per idle day),
// then how long the first transaction afterwards takes from submit to commit, plus --samples
// more after short idle gaps.
// With --stop K the last K members are SIGSTOPped for the whole idle period and the samples
// (issue #23: a stopped member must not make an idle chain change views beyond its heartbeats).
// Run it under `setsid` then: a process group that is orphaned while one of its members is
// stopped gets SIGHUP from the kernel (a shell that exits first does exactly that).
//   npm run build && node dist/bench/idle.bench.js [--nodes 4] [--minutes 10] [--samples 5] [--stop 0] [--json]
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildTx } from '../src/client/build-tx.js';
import { LedgerClient } from '../src/client/ledger-client.js';
import { loadKeyFile } from '../src/crypto/keys.js';
import { Devnet, type DevnetManifest } from '../src/node/devnet.js';
import { toHex } from '../src/util/bytes.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    nodes: { type: 'string', default: '4' }, minutes: { type: 'string', default: '10' }, samples: { type: 'string', default: '5' },
    gap: { type: 'string', default: '20' }, stop: { type: 'string', default: '0' }, json: { type: 'boolean', default: false }, out: { type: 'string', default: 'bench/results' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (args.help) {
  process.stdout.write(`Usage: node dist/bench/idle.bench.js [--nodes 4] [--minutes 10] [--samples 5] [--gap 20] [--stop 0] [--json] [--out bench/results]
Starts a devnet of --nodes members (heartbeat every 5 minutes, as ledger init writes), commits
two transactions (3n + 4 with --stop, so the chain is past its first reputation window), leaves it idle for --minutes and reports the blocks, views, view changes and
bytes the idle period added per member; then times the first transaction after the idle
period (submit to commit, seen on member1's event stream) and --samples more, each after
--gap seconds of idle. --stop K: the last K members are stopped (SIGSTOP) from before the idle
period to the end, and only the others are measured. Writes idle-<nodes>n[-stopK].json into --out.\n`);
  process.exit(0);
}
const nodes = Number(args.nodes);
const minutes = Number(args.minutes);
const samples = Number(args.samples);
const gapS = Number(args.gap);
const stopped = Number(args.stop);
for (const [name, v] of [['nodes', nodes], ['minutes', minutes], ['samples', samples], ['gap', gapS], ['stop', stopped]] as const) {
  if (!Number.isFinite(v) || v < 0 || (name === 'nodes' && v < 1)) {
    process.stderr.write(`idle bench: --${name} must be a non-negative number\n`);
    process.exit(2);
  }
}
if (stopped >= nodes) {
  process.stderr.write('idle bench: --stop must leave member1 running\n');
  process.exit(2);
}
const log = (s: string): void => void process.stderr.write(`${s}\n`);

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? await folderBytes(p) : (await stat(p)).size;
  }
  return total;
}

interface MemberSnapshot { height: number; view: number; viewChanges: number; bytes: number }

async function viewChanges(api: string): Promise<number> {
  const text = await fetch(`${api}/metrics`).then((r) => r.text());
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith('ledger_consensus_view_changes_total')) sum += Number(line.split(' ').pop());
  return sum;
}

async function snapshot(m: DevnetManifest, client: (i: number) => LedgerClient): Promise<MemberSnapshot[]> {
  return Promise.all(m.nodes.slice(0, m.nodes.length - stopped).map(async (n, i) => {
    const s = await client(i).status();
    return { height: s.height, view: s.view, viewChanges: await viewChanges(n.api), bytes: await folderBytes(n.dataDir) };
  }));
}

const haltedPids: number[] = [];
const workDir = await mkdtemp(join(tmpdir(), 'ledger-idle-'));
const base = 21_000 + Math.floor(Math.random() * 20_000);
const devnet = new Devnet({
  nodes, dataDir: join(workDir, 'net'), apiPort: base, p2pPort: base + 100, cliScript: resolve(here, '..', 'src', 'cli', 'main.js'),
  log, env: { LEDGER_LOG_LEVEL: 'info' },
});
try {
  const m = await devnet.start();
  await devnet.waitReady(0, 90_000);
  const acct = m.accounts.find((a) => a.name === 'supplier');
  if (acct === undefined) throw new Error('devnet has no supplier account');
  const key = await loadKeyFile(acct.keyFile);
  const clients = m.nodes.map((n) => new LedgerClient({ url: n.api, key, chainId: m.chainId }));
  const client = (i: number): LedgerClient => clients[i] as LedgerClient;
  let seq = 0;
  // One asset.register through member1, timed from submit until member1's event stream shows it.
  const commitOne = async (): Promise<number> => {
    const nonce = await client(0).nextNonce(toHex(key.publicKey));
    const id = `IDLE-${++seq}-${Date.now().toString(36)}`;
    const tx = buildTx(key, m.chainId, 'asset.register', { id, kind: 'idle-bench', fingerprint: id, metadata: {} }, nonce);
    const t0 = performance.now();
    const { hash } = await client(0).submit(tx);
    const a = await client(0).waitForTx(hash, { timeoutMs: 60_000 });
    if (a.status !== 'committed') throw new Error(`transaction ${hash} ended ${a.status}`);
    return performance.now() - t0;
  };
  // A chain past its first reputation window (docs/protocol.md R3a: 3n committed blocks), as a
  // member that has run for a while is: a younger one schedules leaders round-robin.
  const warm = stopped > 0 ? 3 * nodes + 4 : 2;
  for (let i = 0; i < warm; i++) await commitOne();
  // Let the second transaction's certifying block settle before the idle clock starts.
  await new Promise((r) => setTimeout(r, 2_000));
  const halted = m.nodes.slice(m.nodes.length - stopped);
  for (const n of halted) {
    process.kill(n.pid, 'SIGSTOP');
    haltedPids.push(n.pid);
  }
  if (halted.length > 0) log(`stopped ${halted.map((n) => n.name).join(', ')}`);
  const before = await snapshot(m, client);
  log(`idle for ${minutes} min from heights ${before.map((s) => s.height).join('/')} ...`);
  const idleMs = minutes * 60_000;
  const t0 = Date.now();
  while (Date.now() - t0 < idleMs) {
    await new Promise((r) => setTimeout(r, Math.min(60_000, idleMs - (Date.now() - t0))));
    const h = await client(0).status();
    log(`  ${((Date.now() - t0) / 60_000).toFixed(1)} min: member1 height ${h.height}, view ${h.view}`);
  }
  const after = await snapshot(m, client);
  const firstMs = await commitOne();
  log(`first transaction after ${minutes} min idle: ${firstMs.toFixed(0)} ms`);
  const more: number[] = [];
  for (let i = 0; i < samples; i++) {
    await new Promise((r) => setTimeout(r, gapS * 1000));
    more.push(await commitOne());
  }
  const perMember = m.nodes.slice(0, m.nodes.length - stopped).map((n, i) => {
    const b = before[i] as MemberSnapshot;
    const a = after[i] as MemberSnapshot;
    return { member: n.name, blocks: a.height - b.height, views: a.view - b.view, viewChanges: a.viewChanges - b.viewChanges, bytes: a.bytes - b.bytes };
  });
  const maxBytes = Math.max(...perMember.map((p) => p.bytes));
  const result = {
    id: `idle members=${nodes} minutes=${minutes} stopped=${stopped}`, stopped: halted.map((n) => n.name), date: new Date().toISOString(), loadAverage: loadavg(), heartbeatMinutes: 5,
    perMember, bytesPerIdleDayMax: Math.round((maxBytes / minutes) * 1440),
    firstTxAfterIdleMs: Math.round(firstMs), afterShortIdleMs: more.map(Math.round),
    command: `node dist/bench/idle.bench.js --nodes ${nodes} --minutes ${minutes} --samples ${samples} --gap ${gapS} --stop ${stopped}`,
  };
  for (const p of perMember) log(`  ${p.member}: ${p.blocks} blocks, ${p.views} views, ${p.viewChanges} view changes, +${p.bytes} bytes`);
  log(`  per idle day (largest member): ${(result.bytesPerIdleDayMax / 1e6).toFixed(2)} MB; after ${gapS} s idle: ${result.afterShortIdleMs.join(', ')} ms`);
  await writeFile(join(args.out, `idle-${nodes}n${stopped > 0 ? `-stop${stopped}` : ''}.json`), JSON.stringify(result, null, 2) + '\n');
  if (args.json) process.stdout.write(JSON.stringify(result) + '\n');
} finally {
  // A stopped member would sit out its SIGTERM grace: let it run to stop cleanly.
  for (const pid of haltedPids) process.kill(pid, 'SIGCONT');
  await devnet.stop();
  await rm(workDir, { recursive: true, force: true });
}
