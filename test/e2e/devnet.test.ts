import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTx, LedgerClient, loadKeyFile } from '../../src/client/index.js';
import type { DevnetManifest } from '../../src/node/devnet.js';
import { CLI, freePortRange, getJson, waitUntil } from '../helpers/testnet.js';

interface Running {
  readonly proc: ChildProcess;
  readonly ready: Promise<string>;
  readonly exited: Promise<number | null>;
  output(): string;
}

// An idle chain writes no block (docs/protocol.md R24): one harmless transaction moves it.
async function commitOne(manifest: DevnetManifest, tag: string): Promise<number> {
  const acct = manifest.accounts.find((a) => a.name === 'financier2');
  if (acct === undefined) throw new Error('no financier2 in devnet.json');
  const key = await loadKeyFile(acct.keyFile);
  const client = new LedgerClient({ url: manifest.nodes[0]?.api as string, key, chainId: manifest.chainId });
  const tx = buildTx(key, manifest.chainId, 'asset.register', { id: `DEVNET-${tag}`, kind: 'test', fingerprint: `devnet:${tag}`, metadata: {} }, await client.nextNonce(acct.publicKey));
  const a = await client.waitForTx((await client.submit(tx)).hash, { timeoutMs: 60_000 });
  expect(a.status).toBe('committed');
  return a.height ?? -1;
}

function runDevnet(dir: string, base: number): Running {
  const proc = spawn(process.execPath, [CLI, 'devnet', '--nodes', '4', '--data', dir, '--api-port', String(base), '--p2p-port', String(base + 10)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const ready = new Promise<string>((resolve, reject) => {
    proc.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('devnet ready'));
      if (line !== undefined) resolve(line);
    });
    proc.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    proc.once('exit', (code) => reject(new Error(`devnet exited ${code} before ready:\n${out}`)));
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, ready, exited, output: () => out };
}

describe('ledger devnet', () => {
  let dir = '';
  let running: Running | null = null;
  afterAll(async () => {
    running?.proc.kill('SIGTERM');
    await running?.exited;
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('starts a four-member consortium, writes devnet.json, stops on SIGINT and resumes the chain', { timeout: 300_000 }, async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-devnet-'));
    const base = await freePortRange(20);
    running = runDevnet(dir, base);
    const t0 = Date.now();
    const line = await running.ready;
    process.stdout.write(`devnet ready after ${Date.now() - t0} ms: ${line}\n`);
    const manifest = JSON.parse(await readFile(join(dir, 'devnet.json'), 'utf8')) as DevnetManifest;
    expect(manifest.nodes.map((n) => n.name)).toEqual(['member1', 'member2', 'member3', 'member4']);
    const names = manifest.accounts.map((a) => a.name);
    for (const n of ['supplier', 'supplier2', 'buyer', 'financier', 'financier2', 'auditor', 'regulator', 'member1']) expect(names).toContain(n);
    expect(manifest.accounts.find((a) => a.name === 'auditor')?.role).toBe('auditor');
    let heightBefore = 0;
    for (const n of manifest.nodes) {
      const s = await getJson<{ height: number; chainId: string }>(`${n.api}/v1/status`);
      expect(s.body.chainId).toBe(manifest.chainId);
      expect(s.body.height).toBeGreaterThanOrEqual(0);
      heightBefore = Math.max(heightBefore, s.body.height);
    }
    const supplier = manifest.accounts.find((a) => a.name === 'supplier');
    const supplierKey = await loadKeyFile(supplier?.keyFile ?? '');
    const acct = await getJson<{ role: string }>(`${manifest.nodes[0]?.api}/v1/accounts/${supplier?.publicKey}`, { key: supplierKey, chainId: manifest.chainId });
    expect(acct.body.role).toBe('integrator');
    // Reads need a token: the same request without one is refused.
    expect((await getJson(`${manifest.nodes[0]?.api}/v1/accounts/${supplier?.publicKey}`, null)).status).toBe(401);
    heightBefore = Math.max(heightBefore, await commitOne(manifest, 'first'));

    running.proc.kill('SIGINT');
    expect(await running.exited).toBe(0);
    expect(running.output()).toContain('devnet stopped');
    for (const n of manifest.nodes) expect(await fetch(`${n.api}/v1/status`).then(() => 'up', () => 'down')).toBe('down');

    running = runDevnet(dir, base);
    await running.ready;
    expect(running.output()).toContain('resuming devnet');
    const s = await getJson<{ height: number; chainId: string }>(`${manifest.nodes[0]?.api}/v1/status`);
    expect(s.body.chainId).toBe(manifest.chainId);
    // The resumed chain goes on from the stored head: new blocks on top of the old ones.
    expect(await commitOne(manifest, 'resumed')).toBeGreaterThan(heightBefore);
    await waitUntil(async () => (await getJson<{ height: number }>(`${manifest.nodes[0]?.api}/v1/status`)).body.height > heightBefore, 'the resumed chain to grow');
  });
});
