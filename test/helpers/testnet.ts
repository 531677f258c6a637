import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initConsortium, type InitResult } from '../../src/node/init-consortium.js';
import { DEVNET_ACCOUNTS, MEMBER_NODE_FLAGS } from '../../src/node/devnet.js';
import { generateSigningKey, loadKeyFile, saveKeyFile } from '../../src/crypto/keys.js';
import type { SigningKey } from '../../src/crypto/ed25519.js';
import { createReadToken } from '../../src/crypto/read-token.js';
import { LedgerClient } from '../../src/client/ledger-client.js';
import { httpsFetch, type TlsClientOpts } from './https-fetch.js';
import { toHex } from '../../src/util/bytes.js';
import { buildTx } from '../../src/client/index.js';

/** The built CLI: e2e tests run the real `ledger` binary (npm test builds first). */
export const CLI = resolve('dist/src/cli/main.js');

async function portFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
}

/** A base port such that base..base+count-1 are free now. */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    let ok = true;
    for (let p = base; p < base + count && ok; p++) ok = await portFree(p);
    if (ok) return base;
  }
  throw new Error('no free port range');
}

/** Polls until `predicate` holds (observable state of separate processes), or fails naming `what`. */
export async function waitUntil(predicate: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Whose read token getJson attaches: a key and the chain id its tokens name. */
export interface ReadAs {
  readonly key: SigningKey;
  readonly chainId: string;
}

// Set by Testnet.create (the consortium's auditor, who reads everything); a test file runs in
// its own worker, so this is per file.
let defaultReader: ReadAs | null = null;
// The fetch getJson uses: an HTTPS testnet swaps in one that trusts its test CA.
let fetchFn: typeof fetch = (...a) => fetch(...a);

/** Makes getJson sign its reads with `reader` (null: no token). */
export function setDefaultReader(reader: ReadAs | null): void {
  defaultReader = reader;
}

/** The Authorization header of a fresh read token of `reader`. */
export function authHeader(reader: ReadAs): { authorization: string } {
  return { authorization: `Bearer ${createReadToken(reader.key, reader.chainId)}` };
}

/** GET json from a node, with a read token of `as` (default: the Testnet's auditor). */
export async function getJson<T = Record<string, unknown>>(url: string, as: ReadAs | null = defaultReader): Promise<{ status: number; body: T }> {
  const r = await fetchFn(url, as === null ? {} : { headers: authHeader(as) });
  return { status: r.status, body: (await r.json()) as T };
}

/** Key file of the consortium's auditor (full read scope), for `ledger audit --node --key`. */
export function auditorKeyFile(net: Testnet): string {
  const f = net.init.accounts.find((a) => a.name === 'auditor')?.keyFile;
  if (f === undefined) throw new Error('this testnet has no auditor account');
  return f;
}

/** A member process of a test consortium. */
export interface TestNode {
  readonly name: string;
  readonly api: string;
  readonly config: string;
  readonly logFile: string;
  proc: ChildProcess | null;
}

/** A consortium of real `ledger start` processes on 127.0.0.1 in a temporary folder. */
export class Testnet {
  readonly dir: string;
  readonly init: InitResult;
  readonly nodes: TestNode[];
  private readonly env: NodeJS.ProcessEnv;
  /** The fetch that reaches this testnet's APIs (HTTPS ones trust the test CA). */
  fetch: typeof fetch = (...a) => fetch(...a);

  private constructor(dir: string, init: InitResult, env: NodeJS.ProcessEnv) {
    this.dir = dir;
    this.init = init;
    this.env = env;
    this.nodes = init.members.map((m) => ({
      name: m.name, api: `http://127.0.0.1:${m.apiPort}`, config: m.configFile, logFile: join(dir, `${m.name}.log`), proc: null,
    }));
  }

  /** Creates keys, genesis and configs; does not start anything. */
  static async create(opts: { nodes: number; env?: NodeJS.ProcessEnv; viewTimeoutMs?: number; https?: TlsClientOpts & { serverCert: string; serverKey: string } }): Promise<Testnet> {
    const dir = await mkdtemp(join(tmpdir(), 'ledger-e2e-'));
    const base = await freePortRange(opts.nodes * 2);
    const init = await initConsortium({
      members: opts.nodes, outDir: dir, chainId: `e2e-${Date.now().toString(36)}`, host: '127.0.0.1',
      apiPort: base, p2pPort: base + opts.nodes, accounts: DEVNET_ACCOUNTS, genesisTimeMs: Date.now(),
    });
    const tlsEnv = opts.https === undefined ? {} : { LEDGER_API_TLS_CERT: opts.https.serverCert, LEDGER_API_TLS_KEY: opts.https.serverKey };
    const net = new Testnet(dir, init, { ...tlsEnv, ...opts.env });
    if (opts.https !== undefined) {
      net.fetch = httpsFetch(opts.https);
      fetchFn = net.fetch;
      for (const n of net.nodes) (n as { api: string }).api = n.api.replace(/^http:/, 'https:');
    }
    setDefaultReader({ key: await net.accountKey('auditor'), chainId: init.genesis.chainId });
    return net;
  }

  /** The key of a genesis account (supplier, buyer, auditor, ...) or member by name. */
  async accountKey(name: string): Promise<SigningKey> {
    const f = this.init.accounts.find((a) => a.name === name)?.keyFile ?? this.init.members.find((m) => m.name === name)?.keyFile;
    if (f === undefined) throw new Error(`no account ${name} in this testnet`);
    return loadKeyFile(f);
  }

  /** An SDK client of member i that reads as account `as` (default the auditor: full scope). */
  async client(i: number, as = 'auditor'): Promise<LedgerClient> {
    return new LedgerClient({ url: (this.nodes[i] as TestNode).api, key: await this.accountKey(as), chainId: this.init.genesis.chainId, fetch: this.fetch });
  }

  /**
   * Adds a node that is not in genesis (a member-to-be): a fresh key, ports and a config in
   * the consortium's folder, as its operator would write them. Returns its index and its
   * member entry (what a member.propose names). Not started.
   */
  async addNode(name: string): Promise<{ index: number; keyFile: string; publicKey: string; address: string }> {
    const apiPort = await freePortRange(2);
    const p2pPort = apiPort + 1;
    const keyFile = join(this.dir, `${name}.key.json`);
    const key = generateSigningKey();
    await saveKeyFile(keyFile, key);
    const config = join(this.dir, `${name}.config.json`);
    const address = `/ip4/127.0.0.1/tcp/${p2pPort}`;
    await writeFile(config, JSON.stringify({
      name, keyFile, genesisFile: join(this.dir, 'genesis.json'), dataDir: join(this.dir, 'data', name), p2pListen: address, apiHost: '127.0.0.1', apiPort,
    }, null, 2));
    this.nodes.push({ name, api: `http://127.0.0.1:${apiPort}`, config, logFile: join(this.dir, `${name}.log`), proc: null });
    return { index: this.nodes.length - 1, keyFile, publicKey: toHex(key.publicKey), address };
  }

  /** Starts member i (index into nodes); extra env e.g. LEDGER_CRASH_AT. */
  start(i: number, env: NodeJS.ProcessEnv = {}): ChildProcess {
    const n = this.nodes[i] as TestNode;
    const out = createWriteStream(n.logFile, { flags: 'a' });
    const p = spawn(process.execPath, [...MEMBER_NODE_FLAGS, CLI, 'start', '--config', n.config], {
      stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LEDGER_LOG_LEVEL: process.env.LEDGER_TEST_LOG_LEVEL ?? 'info', ...this.env, ...env },
    });
    p.stdout?.pipe(out);
    p.stderr?.pipe(out);
    n.proc = p;
    return p;
  }

  /** Starts every member. */
  startAll(): void {
    for (let i = 0; i < this.nodes.length; i++) this.start(i);
  }

  /** Resolves with the exit of member i's process (code or signal). */
  exited(i: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const p = (this.nodes[i] as TestNode).proc;
    if (p === null) return Promise.resolve({ code: null, signal: null });
    if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve({ code: p.exitCode, signal: p.signalCode });
    return new Promise((res) => p.once('exit', (code, signal) => res({ code, signal })));
  }

  /** SIGKILL member i and wait for it to be gone. */
  async kill(i: number): Promise<void> {
    const gone = this.exited(i);
    (this.nodes[i] as TestNode).proc?.kill('SIGKILL');
    await gone;
  }

  /** Committed height of member i (-1 when unreachable). */
  async height(i: number): Promise<number> {
    return getJson<{ height: number }>(`${(this.nodes[i] as TestNode).api}/v1/status`).then((r) => r.body.height, () => -1);
  }

  /** Waits until every listed member has committed at least `h`. */
  async waitHeight(h: number, members: readonly number[] = this.nodes.map((_, i) => i), timeoutMs = 60_000): Promise<void> {
    for (const i of members) await waitUntil(async () => (await this.height(i)) >= h, `${this.nodes[i]?.name} to reach height ${h}`, timeoutMs);
  }

  /** Waits until every listed member's /v1/status says ready (started, caught up, not halted). */
  async waitReady(members: readonly number[] = this.nodes.map((_, i) => i), timeoutMs = 90_000): Promise<void> {
    const ready = (i: number): Promise<boolean> =>
      getJson<{ ready: boolean }>(`${(this.nodes[i] as TestNode).api}/v1/status`).then((r) => r.body.ready === true, () => false);
    for (const i of members) await waitUntil(() => ready(i), `${this.nodes[i]?.name} to be ready`, timeoutMs);
  }

  /**
   * Commits one harmless transaction (an asset.register by genesis account `account`) through
   * member `via` and returns its height: an idle chain writes no block (docs/protocol.md R24),
   * so a test that needs the chain to move gives it something to order.
   */
  async nudge(via = 0, account = 'financier2', timeoutMs = 60_000): Promise<number> {
    const keyFile = this.init.accounts.find((a) => a.name === account)?.keyFile;
    if (keyFile === undefined) throw new Error(`no genesis account ${account}`);
    const key = await loadKeyFile(keyFile);
    const client = new LedgerClient({ url: (this.nodes[via] as TestNode).api, key, chainId: this.init.genesis.chainId, fetch: this.fetch });
    const nonce = await client.nextNonce(toHex(key.publicKey));
    const id = `NUDGE-${account}-${nonce}-${Date.now().toString(36)}`;
    const tx = buildTx(key, this.init.genesis.chainId, 'asset.register', { id, kind: 'nudge', fingerprint: id, metadata: {} }, nonce);
    const { hash } = await client.submit(tx);
    const a = await client.waitForTx(hash, { timeoutMs });
    if (a.status !== 'committed') throw new Error(`nudge ${hash} ended ${a.status}`);
    return a.height ?? -1;
  }

  /** Block hash at `height` on member i. */
  async blockHash(i: number, height: number): Promise<string> {
    const r = await getJson<{ hash: string }>(`${(this.nodes[i] as TestNode).api}/v1/blocks/${height}`);
    if (r.status !== 200) throw new Error(`${this.nodes[i]?.name} has no block ${height} (HTTP ${r.status})`);
    return r.body.hash;
  }

  /** Stops every member with SIGTERM (SIGKILL after 10 s) and removes the folder (kept with LEDGER_TEST_KEEP=1, for the logs; LEDGER_TEST_LOG_LEVEL=debug makes them tell more). */
  async destroy(): Promise<void> {
    await Promise.all(this.nodes.map(async (n, i) => {
      if (n.proc === null || n.proc.exitCode !== null || n.proc.signalCode !== null) return;
      const gone = this.exited(i);
      const t = setTimeout(() => n.proc?.kill('SIGKILL'), 10_000);
      n.proc.kill('SIGTERM');
      await gone;
      clearTimeout(t);
    }));
    if (process.env.LEDGER_TEST_KEEP !== '1') await rm(this.dir, { recursive: true, force: true });
  }
}
