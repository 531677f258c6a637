import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Testnet } from '../helpers/testnet.js';

// The SDK as an integrator gets it: `npm pack` of packages/client, installed into an empty
// project (--prefer-offline: its three dependencies' tarballs come from the npm cache that the
// repository's own install filled; only their metadata is asked of the registry, which a
// plain --offline would need cached too), imported by its package name
// from plain JavaScript, and used against a real four-member devnet: sign and submit a
// transaction, wait for it, read it back with a read token, and get a typed refusal.

const run = promisify(execFile);
const PKG = resolve('packages/client');

describe('the SDK package', () => {
  let net: Testnet;
  let project: string;

  beforeAll(async () => {
    if (!existsSync(join(PKG, 'dist/index.js'))) await run('npm', ['run', 'build'], { cwd: PKG });
    project = await mkdtemp(join(tmpdir(), 'ledger-sdk-'));
    await run('npm', ['pack', '--pack-destination', project], { cwd: PKG });
    const tarball = (await readdir(project)).find((f) => f.endsWith('.tgz'));
    expect(tarball).toMatch(/^consortium-ledger-client-\d+\.\d+\.\d+\.tgz$/);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'integrator', private: true, type: 'module' }));
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', `./${tarball}`], { cwd: project, timeout: 120_000 });
    net = await Testnet.create({ nodes: 4 });
    net.startAll();
    await net.waitHeight(1);
  }, 300_000);
  afterAll(async () => {
    await net?.destroy();
    if (project !== undefined) await rm(project, { recursive: true, force: true });
  });

  it('installs with its types and exports only its entry point', async () => {
    expect(existsSync(join(project, 'node_modules/@consortium-ledger/client/dist/types/client/index.d.ts'))).toBe(true);
    const probe = `import('@consortium-ledger/client/dist/index.js').then(() => console.log('open'), (e) => console.log(e.code))`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe], { cwd: project });
    expect(stdout.trim()).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  it('submits a signed transaction to a devnet and reads it back with a read token', async () => {
    const supplier = net.init.accounts.find((a) => a.name === 'supplier')?.keyFile as string;
    const buyer = (await net.accountKey('buyer')).publicKey;
    const script = `
      import { LedgerClient, LedgerClientError, buildTx, loadKeyFile, SERVER_ERROR_CODES } from '@consortium-ledger/client';
      const [url, keyFile, buyer] = process.argv.slice(2);
      const key = await loadKeyFile(keyFile);
      const client = new LedgerClient({ url, key });
      const { chainId } = await client.status();
      const tx = buildTx(key, chainId, 'invoice.issue', { id: 'INV-SDK-1', buyer, amount: '4200', currency: 'EUR', dueDate: '2027-01-31', fingerprint: 'sdk-fp-1' }, await client.nextNonce(key.publicKey));
      const { hash } = await client.submit(tx);
      const done = await client.waitForTx(hash, { timeoutMs: 60000 });
      const invoice = await client.getInvoice('INV-SDK-1');
      let refused = null;
      try { await client.submit(buildTx(key, 'another-chain', 'invoice.accept', { id: 'INV-SDK-1' }, 0)); } catch (e) { refused = e instanceof LedgerClientError ? [e.code, e.status] : String(e); }
      let anonymous = null;
      try { await new LedgerClient({ url }).getInvoice('INV-SDK-1'); } catch (e) { anonymous = [e.code, e.status]; }
      console.log(JSON.stringify({ hash, status: done.status, height: done.height, invoice, refused, anonymous, codes: SERVER_ERROR_CODES.length }));
    `;
    await writeFile(join(project, 'story.mjs'), script);
    const { stdout } = await run(process.execPath, ['story.mjs', net.nodes[1]?.api as string, supplier, Buffer.from(buyer).toString('hex')], { cwd: project, timeout: 120_000 });
    const out = JSON.parse(stdout.trim().split('\n').pop() as string) as Record<string, any>;
    expect(out.status).toBe('committed');
    expect(out.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(out.invoice).toMatchObject({ id: 'INV-SDK-1', amount: '4200', status: 'issued' });
    expect(out.refused).toEqual(['WRONG_CHAIN_ID', 400]);
    expect(out.anonymous).toEqual(['UNAUTHORIZED', 401]);
    expect(out.codes).toBeGreaterThan(20);
    // Another member agrees: the transaction is in its chain at the same height.
    const auditor = await net.accountKey('auditor');
    const { LedgerClient } = await import('../../src/client/index.js');
    const other = new LedgerClient({ url: net.nodes[3]?.api as string, key: auditor });
    expect((await other.waitForTx(out.hash, { timeoutMs: 60_000 })).height).toBe(out.height);
  }, 180_000);
});
