import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UsageError } from '../../../src/cli/command.js';
import { readPayloadArg } from '../../../src/cli/payload-arg.js';
import { runCli } from '../../../src/cli/run-cli.js';
import { saveKeyFile } from '../../../src/crypto/keys.js';
import { testKey } from '../api/fake-chain.js';
import { startApi, type RunningApi } from '../api/harness.js';
import { captureIo as capture } from '../../helpers/cli-io.js';

// `ledger tx --payload @FILE | -`, run in-process against a real HTTP
// server over a fake node.

const key = testKey(41);
let api: RunningApi;
let dir: string;


beforeAll(async () => {
  api = await startApi();
  api.node.addAccount(key.publicKey, 'supplier');
  dir = await mkdtemp(join(tmpdir(), 'ledger-cli-'));
  await saveKeyFile(join(dir, 'k.json'), key);
});
afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

describe('ledger tx --payload', () => {
  test('@FILE reads the payload from a file', async () => {
    await writeFile(join(dir, 'p.json'), '{ "id": "INV-1" }\n');
    const c = capture();
    const code = await runCli(['tx', 'invoice.accept', '--key', join(dir, 'k.json'), '--node', api.url, '--payload', `@${join(dir, 'p.json')}`, '--json'], c.io);
    expect(code, c.err.join('\n')).toBe(0);
    const line = JSON.parse(c.out[c.out.length - 1] ?? '{}') as { status: string; hash: string };
    expect(line.status).toBe('pending');
    expect(api.node.pending.get(line.hash)?.payload).toEqual({ id: 'INV-1' });
  });

  test('a missing @FILE is a usage error (exit 2) naming the file', async () => {
    const c = capture();
    const code = await runCli(['tx', 'invoice.accept', '--key', join(dir, 'k.json'), '--node', api.url, '--payload', `@${join(dir, 'nope.json')}`], c.io);
    expect(code).toBe(2);
    expect(c.err.join('\n')).toContain('nope.json: cannot read the file (ENOENT)');
    await expect(readPayloadArg('@/nonexistent/x')).rejects.toBeInstanceOf(UsageError);
  });

  test('- reads standard input to its end; anything else is the JSON itself', async () => {
    expect(await readPayloadArg('-', Readable.from([Buffer.from('{"id":'), Buffer.from('"INV-2"}')]))).toBe('{"id":"INV-2"}');
    expect(await readPayloadArg('{"id":"X"}', Readable.from([]))).toBe('{"id":"X"}');
  });
});
