import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { OperationalError } from '../util/errors.js';
import { initConsortium } from './init-consortium.js';
import type { Role } from '../types/primitives.js';

/** The ready-made devnet accounts (docs/cli.md, ledger devnet). */
export const DEVNET_ACCOUNTS: readonly { name: string; role: Role }[] = [
  { name: 'supplier', role: 'integrator' },
  { name: 'supplier2', role: 'integrator' },
  { name: 'buyer', role: 'integrator' },
  { name: 'financier', role: 'integrator' },
  { name: 'financier2', role: 'integrator' },
  { name: 'auditor', role: 'auditor' },
  { name: 'regulator', role: 'regulator' },
];

/** DIR/devnet.json (docs/cli.md, ledger devnet). */
export interface DevnetManifest {
  readonly chainId: string;
  readonly nodes: { name: string; api: string; pid: number; dataDir: string; config: string }[];
  readonly accounts: { name: string; role: Role; publicKey: string; keyFile: string }[];
}

/** Options of `ledger devnet`. */
export interface DevnetOpts {
  readonly nodes: number;
  readonly dataDir: string;
  readonly apiPort: number;
  readonly p2pPort: number;
  /** Path of the ledger CLI script the members run (dist/src/cli/main.js). */
  readonly cliScript: string;
  readonly log: (line: string) => void;
  /** Extra environment for members (e.g. LEDGER_LOG_LEVEL). */
  readonly env?: NodeJS.ProcessEnv;
  /** Extra node arguments for members, e.g. ['--cpu-prof'] (the benchmark's --profile). */
  readonly nodeArgs?: readonly string[];
  /** Genesis accounts of a new devnet (default DEVNET_ACCOUNTS). */
  readonly accounts?: readonly { name: string; role: Role }[];
}

/**
 * V8 flags a member process runs with. PERF: a young generation of 64 MB semi-spaces (16 MB
 * by default here) lets a block's short-lived garbage (~5 MB of live data per 1,000-tx block)
 * die young instead of being copied once per block: bench/executor.bench.ts median block
 * 17,909 / 17,384 -> 23,366 / 21,518 tx/s in alternating runs (load 2.2-3.6), for at most
 * ~190 MB more address space per member. The `ledger` shebang and the Docker image set the
 * same flag; V8 reads it only at start-up (v8.setFlagsFromString is too late).
 */
export const MEMBER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

async function portFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen(port, host, () => srv.close(() => res(true)));
  });
}

/**
 * A running local consortium: one OS process per member. `start` creates the consortium on
 * first use (init with the devnet accounts) and resumes it when DIR/devnet.json exists.
 */
export class Devnet {
  private readonly opts: DevnetOpts;
  private readonly children = new Map<string, ChildProcess>();
  private stopping = false;
  manifest: DevnetManifest | null = null;

  constructor(opts: DevnetOpts) {
    this.opts = opts;
  }

  /** Creates or resumes the consortium and spawns every member. */
  async start(): Promise<DevnetManifest> {
    const dir = resolve(this.opts.dataDir);
    const manifestPath = join(dir, 'devnet.json');
    const existing = await readFile(manifestPath, 'utf8').then((t) => JSON.parse(t) as DevnetManifest, () => null);
    let base: DevnetManifest;
    if (existing !== null) {
      this.opts.log(`resuming devnet ${existing.chainId} from ${dir}`);
      base = existing;
    } else {
      if (await access(join(dir, 'genesis.json')).then(() => true, () => false)) {
        throw new OperationalError('DEVNET_DIR_USED', `${dir} holds a genesis but no devnet.json; use another --data folder`);
      }
      const res = await initConsortium({
        members: this.opts.nodes, outDir: dir, chainId: `devnet-${Date.now().toString(36)}`, host: '127.0.0.1',
        apiPort: this.opts.apiPort, p2pPort: this.opts.p2pPort, accounts: this.opts.accounts ?? DEVNET_ACCOUNTS, genesisTimeMs: Date.now(),
      });
      base = {
        chainId: res.genesis.chainId,
        nodes: res.members.map((m) => ({ name: m.name, api: `http://127.0.0.1:${m.apiPort}`, pid: 0, dataDir: m.dataDir, config: m.configFile })),
        accounts: [
          ...res.accounts.map((a) => ({ name: a.name, role: a.role, publicKey: a.publicKey, keyFile: a.keyFile })),
          ...res.members.map((m) => ({ name: m.name, role: 'member' as Role, publicKey: m.publicKey, keyFile: m.keyFile })),
        ],
      };
      this.opts.log(`created devnet ${base.chainId} with ${this.opts.nodes} members in ${dir}`);
      this.opts.log('devnet keys are stored UNENCRYPTED (a local test network); production keys come from "ledger keygen", which encrypts them');
    }
    for (const n of base.nodes) {
      const port = Number(new URL(n.api).port);
      if (!(await portFree(port))) {
        throw new OperationalError('PORT_IN_USE', `port ${port} (REST of ${n.name}) is in use; stop what uses it or pass --api-port`);
      }
    }
    await mkdir(join(dir, 'logs'), { recursive: true });
    const nodes = base.nodes.map((n) => ({ ...n, pid: this.spawnMember(n.name, n.config, join(dir, 'logs', `${n.name}.log`)) }));
    this.manifest = { ...base, nodes };
    await writeFile(manifestPath, JSON.stringify(this.manifest, null, 2) + '\n');
    return this.manifest;
  }

  private spawnMember(name: string, config: string, logFile: string): number {
    const out = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(process.execPath, [...MEMBER_NODE_FLAGS, ...(this.opts.nodeArgs ?? []), this.opts.cliScript, 'start', '--config', config], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...this.opts.env },
    });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    child.once('exit', (code, signal) => {
      this.children.delete(name);
      if (!this.stopping) this.opts.log(`member ${name} exited (code ${code}, signal ${signal}); see ${logFile}`);
    });
    this.children.set(name, child);
    if (child.pid === undefined) throw new OperationalError('SPAWN_FAILED', `could not start member ${name}`);
    return child.pid;
  }

  /**
   * Resolves once every member reports ready (started, caught up) and height >= minHeight;
   * rejects after timeoutMs or if a member exits. An idle chain writes no blocks
   * (docs/protocol.md R24), so the CLI waits for readiness only (minHeight 0).
   */
  async waitReady(minHeight: number, timeoutMs: number): Promise<void> {
    const m = this.manifest;
    if (m === null) throw new Error('devnet not started');
    const deadline = Date.now() + timeoutMs;
    const pending = new Set(m.nodes.map((n) => n.name));
    while (pending.size > 0) {
      if (Date.now() > deadline) throw new OperationalError('DEVNET_NOT_READY', `members not ready after ${timeoutMs} ms: ${[...pending].join(', ')}; see ${this.opts.dataDir}/logs`);
      for (const n of m.nodes) {
        if (!pending.has(n.name)) continue;
        if (!this.children.has(n.name)) throw new OperationalError('DEVNET_MEMBER_EXITED', `member ${n.name} exited during start-up; see ${this.opts.dataDir}/logs/${n.name}.log`);
        const s = await fetch(`${n.api}/v1/status`).then(async (r) => (r.ok ? ((await r.json()) as { height: number; ready: boolean }) : null), () => null);
        if (s !== null && s.ready && s.height >= minHeight) pending.delete(n.name);
      }
      // Polling REST is the observable readiness signal of separate processes (HOUSE-STYLE waitFor).
      if (pending.size > 0) await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGTERM to every member, SIGKILL after graceMs; resolves when all have exited. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    const waits = [...this.children.values()].map((c) => new Promise<void>((res) => {
      if (c.exitCode !== null || c.signalCode !== null) return res();
      const t = setTimeout(() => c.kill('SIGKILL'), graceMs);
      c.once('exit', () => {
        clearTimeout(t);
        res();
      });
      c.kill('SIGTERM');
    }));
    await Promise.all(waits);
  }
}
