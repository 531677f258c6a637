import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';
import { buildTx } from '../../../src/client/index.js';
import { genesisToJson } from '../../../src/codec/genesis.js';
import { saveKeyFile } from '../../../src/crypto/keys.js';
import { testKey } from '../api/fake-chain.js';
import { startApi, type RunningApi } from '../api/harness.js';
import { captureIo as capture } from '../../helpers/cli-io.js';

// `ledger export blocks` and `ledger verify-bundle` in-process against a real HTTP server over a
// fake node: the exit codes of docs/cli.md (0 verified, 1 a failed check naming where, 2 usage).

const key = testKey(42);
let api: RunningApi;
let dir: string;


beforeAll(async () => {
  api = await startApi();
  api.node.addAccount(key.publicKey, 'auditor', 'auditor');
  for (let n = 0; n < 3; n++) {
    expect(api.node.submitTx(buildTx(key, api.node.chain.chainId, 'asset.register', { n }, n)).ok).toBe(true);
    api.node.commitPending();
  }
  dir = await mkdtemp(join(tmpdir(), 'ledger-export-'));
  await saveKeyFile(join(dir, 'k.json'), key);
  await writeFile(join(dir, 'genesis.json'), JSON.stringify(genesisToJson({ ...api.node.genesis(), genesisTimeMs: 1_700_000_000_000 })));
});
afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

describe('ledger export / verify-bundle (in-process)', () => {
  test('exports blocks 1-2 and verifies them offline; a changed byte exits 1 naming the block', async () => {
    const e = capture();
    const code = await runCli(['export', 'blocks', '--from', '1', '--to', '2', '--url', api.url, '--key', join(dir, 'k.json'), '--genesis', join(dir, 'genesis.json'), '--out', join(dir, 'b.json')], e.io);
    expect(code, e.err.join('\n')).toBe(0);
    expect(e.err.join('\n')).toMatch(/bundle of blocks 1-2 \(2 blocks\) written to/);
    const v = capture();
    expect(await runCli(['verify-bundle', join(dir, 'b.json'), '--genesis', join(dir, 'genesis.json')], v.io), v.err.join('\n')).toBe(0);
    expect(v.out[0]).toMatch(/^ok: blocks bundle of 1-2 verified against genesis [0-9a-f]{64} \(chain test-chain\), up to height 2/);
    const raw = await readFile(join(dir, 'b.json'), 'utf8');
    const at = raw.indexOf('"txRoot": "') + 12;
    await writeFile(join(dir, 'bad.json'), raw.slice(0, at) + (raw[at] === '0' ? '1' : '0') + raw.slice(at + 1));
    const f = capture();
    expect(await runCli(['verify-bundle', join(dir, 'bad.json'), '--genesis', join(dir, 'genesis.json'), '--json'], f.io)).toBe(1);
    expect(f.err[0]).toMatch(/^FAILED: block 1: BLOCK_HASH_MISMATCH: /);
    expect(JSON.parse(f.out[0] as string)).toMatchObject({ ok: false, code: 'BLOCK_HASH_MISMATCH', where: 'block 1' });
    const missing = capture();
    expect(await runCli(['verify-bundle', join(dir, 'none.json'), '--genesis', join(dir, 'genesis.json')], missing.io)).toBe(1);
    expect(missing.err[0]).toMatch(/cannot read bundle/);
  });

  test.each([
    [['export']],
    [['export', 'account', 'x', '--url', 'http://127.0.0.1:1', '--key', 'k']],
    [['export', 'invoice', '--url', 'http://127.0.0.1:1', '--key', 'k']],
    [['export', 'blocks', '--from', '1', '--url', 'http://127.0.0.1:1', '--key', 'k']],
    [['export', 'blocks', '--from', '1', '--to', '2', '--csv', '--url', 'http://127.0.0.1:1', '--key', 'k']],
    [['export', 'invoice', 'I', '--page-size', '0', '--url', 'http://127.0.0.1:1', '--key', 'k']],
    [['export', 'invoice', 'I', '--key', 'k']],
    [['verify-bundle']],
    [['verify-bundle', 'a.json']],
    [['verify-bundle', 'a.json', 'b.json', '--genesis', 'g.json']],
  ])('usage error exits 2: %j', async (args) => {
    const c = capture();
    expect(await runCli(args, c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/Usage: ledger/);
  });

  test('--help exits 0', async () => {
    for (const name of ['export', 'verify-bundle']) {
      const c = capture();
      expect(await runCli([name, '--help'], c.io)).toBe(0);
      expect(c.out[0]).toMatch(/^Usage: ledger /);
    }
  });
});
