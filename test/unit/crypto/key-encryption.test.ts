import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';
import { generateSigningKey, loadKeyFile, saveKeyFile } from '../../../src/crypto/keys.js';
import { toHex } from '../../../src/util/bytes.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ledger-keyenc-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; out: string[]; err: string[] }> {
  const saved = { a: process.env.LEDGER_KEY_PASSPHRASE, b: process.env.LEDGER_KEY_PASSPHRASE_FILE };
  delete process.env.LEDGER_KEY_PASSPHRASE;
  delete process.env.LEDGER_KEY_PASSPHRASE_FILE;
  for (const [k, v] of Object.entries(env)) if (v !== undefined) process.env[k] = v;
  const out: string[] = [];
  const err: string[] = [];
  try {
    return { code: await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }), out, err };
  } finally {
    delete process.env.LEDGER_KEY_PASSPHRASE;
    delete process.env.LEDGER_KEY_PASSPHRASE_FILE;
    if (saved.a !== undefined) process.env.LEDGER_KEY_PASSPHRASE = saved.a;
    if (saved.b !== undefined) process.env.LEDGER_KEY_PASSPHRASE_FILE = saved.b;
  }
}

describe('encrypted key files', () => {
  test('round trip; the secret is not in the file; a wrong passphrase or altered file is KEY_PASSPHRASE_WRONG', async () => {
    const key = generateSigningKey();
    const f = join(dir, 'a.json');
    await saveKeyFile(f, key, 'open sesame');
    const text = await readFile(f, 'utf8');
    expect(text).not.toContain(toHex(key.seed));
    const pf = join(dir, 'pass');
    await writeFile(pf, 'open sesame\n');
    expect(toHex((await loadKeyFile(f, pf)).publicKey)).toBe(toHex(key.publicKey));
    await writeFile(pf, 'open sesamE\n');
    await expect(loadKeyFile(f, pf)).rejects.toMatchObject({ code: 'KEY_PASSPHRASE_WRONG' });
    const json = JSON.parse(text) as { encrypted: { ciphertext: string } };
    json.encrypted.ciphertext = `${json.encrypted.ciphertext[0] === '0' ? '1' : '0'}${json.encrypted.ciphertext.slice(1)}`;
    await writeFile(f, JSON.stringify(json));
    await writeFile(pf, 'open sesame');
    await expect(loadKeyFile(f, pf)).rejects.toMatchObject({ code: 'KEY_PASSPHRASE_WRONG' });
  });

  test('ledger keygen encrypts by default, needs a passphrase, and writes plaintext only with --plaintext', async () => {
    const none = await cli(['keygen', '--out', join(dir, 'n.json')]);
    expect(none.code).toBe(1);
    expect(none.err.join('\n')).toMatch(/no passphrase/);
    const enc = await cli(['keygen', '--out', join(dir, 'e.json'), '--json'], { LEDGER_KEY_PASSPHRASE: 'pw-1' });
    expect(enc.code).toBe(0);
    expect(JSON.parse(enc.out.at(-1) ?? '')).toMatchObject({ encrypted: true });
    expect(JSON.parse(await readFile(join(dir, 'e.json'), 'utf8'))).toHaveProperty('encrypted');
    const plain = await cli(['keygen', '--out', join(dir, 'p.json'), '--plaintext', '--json']);
    expect(plain.code).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'p.json'), 'utf8'))).toHaveProperty('secretKey');
    // Loading: the right passphrase gives a token; a wrong one is one clear line and exit 1.
    const ok = await cli(['token', '--key', join(dir, 'e.json'), '--chain-id', 'c'], { LEDGER_KEY_PASSPHRASE: 'pw-1' });
    expect(ok.code).toBe(0);
    expect(ok.out.at(-1)?.split('.')).toHaveLength(3);
    const wrong = await cli(['token', '--key', join(dir, 'e.json'), '--chain-id', 'c'], { LEDGER_KEY_PASSPHRASE: 'pw-2' });
    expect(wrong.code).toBe(1);
    expect(wrong.err).toHaveLength(1);
    expect(wrong.err[0]).toMatch(/wrong passphrase for key file/);
    expect(wrong.err[0]).not.toContain('\n');
    const missing = await cli(['token', '--key', join(dir, 'e.json'), '--chain-id', 'c']);
    expect(missing.code).toBe(1);
    expect(missing.err[0]).toMatch(/is encrypted: set LEDGER_KEY_PASSPHRASE/);
  });

  test('ledger init encrypts every key it writes the same way, needs a passphrase, and writes plaintext only with --plaintext', async () => {
    const none = await cli(['init', '--members', '2', '--out', join(dir, 'init-none')]);
    expect(none.code).toBe(1);
    expect(none.err.join('\n')).toMatch(/no passphrase/);
    expect(await readdir(join(dir, 'init-none')).catch(() => [])).toEqual([]); // refused before writing anything
    const pf = join(dir, 'init-pass');
    await writeFile(pf, 'pw-init\n');
    const enc = await cli(['init', '--members', '2', '--out', join(dir, 'init-enc'), '--passphrase-file', pf, '--json']);
    expect(enc.code, enc.err.join('\n')).toBe(0);
    expect(JSON.parse(enc.out.at(-1) ?? '')).toMatchObject({ encrypted: true });
    for (const m of ['member1', 'member2']) {
      const f = join(dir, 'init-enc', `${m}.key.json`);
      const body = JSON.parse(await readFile(f, 'utf8')) as Record<string, unknown>;
      expect(body, m).toHaveProperty('encrypted');
      expect(body, m).not.toHaveProperty('secretKey');
      expect(toHex((await loadKeyFile(f, pf)).publicKey), m).toBe(body.publicKey);
    }
    const byEnv = await cli(['init', '--members', '1', '--out', join(dir, 'init-env')], { LEDGER_KEY_PASSPHRASE: 'pw-env' });
    expect(byEnv.code).toBe(0);
    const wrong = await cli(['token', '--key', join(dir, 'init-env', 'member1.key.json'), '--chain-id', 'c'], { LEDGER_KEY_PASSPHRASE: 'pw-other' });
    expect(wrong.err[0]).toMatch(/wrong passphrase for key file/);
    const plain = await cli(['init', '--members', '1', '--out', join(dir, 'init-plain'), '--plaintext']);
    expect(plain.code).toBe(0);
    expect(plain.err.join('\n')).toMatch(/UNENCRYPTED/);
    expect(JSON.parse(await readFile(join(dir, 'init-plain', 'member1.key.json'), 'utf8'))).toHaveProperty('secretKey');
    const memberForm = await cli(['init', '--genesis', join(dir, 'init-plain', 'genesis.json'), '--key', join(dir, 'init-plain', 'member1.key.json'), '--plaintext']);
    expect(memberForm.code).toBe(2);
  });
});
