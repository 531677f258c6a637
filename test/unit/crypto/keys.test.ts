import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidPublicKey, signMessage, verifySignature } from '../../../src/crypto/ed25519.js';
import { generateSigningKey, keyFromFile, keyToFile, loadKeyFile, saveKeyFile } from '../../../src/crypto/keys.js';
import { toHex } from '../../../src/util/bytes.js';
import { OperationalError } from '../../../src/util/errors.js';

// Key files on a real file system in a temporary directory.

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ledger-keys-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function operationalCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof OperationalError) return e.code;
    throw e;
  }
  throw new Error('accepted');
}

describe('key files', () => {
  it('save then load gives the same key, written with mode 0600', async () => {
    const key = generateSigningKey();
    const path = join(dir, 'a.key.json');
    await saveKeyFile(path, key);
    const loaded = await loadKeyFile(path);
    expect(toHex(loaded.seed)).toBe(toHex(key.seed));
    expect(toHex(loaded.publicKey)).toBe(toHex(key.publicKey));
    expect(verifySignature(key.publicKey, Uint8Array.of(1), signMessage(loaded, Uint8Array.of(1)))).toBe(true);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ type: 'ed25519', publicKey: toHex(key.publicKey), secretKey: toHex(key.seed) });
  });

  it('generated keys are distinct and valid', () => {
    const a = generateSigningKey();
    const b = generateSigningKey();
    expect(toHex(a.publicKey)).not.toBe(toHex(b.publicKey));
    expect(isValidPublicKey(a.publicKey)).toBe(true);
    expect(toHex(keyFromFile(keyToFile(a)).publicKey)).toBe(toHex(a.publicKey));
  });

  const good = keyToFile(generateSigningKey());
  it.each([
    ['not JSON', '{"type":'],
    ['JSON null', 'null'],
    ['an array', '[]'],
    ['a string', '"ed25519"'],
    ['wrong type', JSON.stringify({ ...good, type: 'rsa' })],
    ['no secret', JSON.stringify({ type: 'ed25519' })],
    ['short secret', JSON.stringify({ ...good, secretKey: good.secretKey.slice(2) })],
    ['non-hex secret', JSON.stringify({ ...good, secretKey: 'zz'.repeat(32) })],
    ['secret not a string', JSON.stringify({ ...good, secretKey: 5 })],
    ['mismatched public key', JSON.stringify({ ...good, publicKey: '00'.repeat(32) })],
    ['public key not a string', JSON.stringify({ ...good, publicKey: 7 })],
  ])('a file holding %s is KEY_FILE_INVALID', async (name, text) => {
    const path = join(dir, `bad-${name.replace(/\W/g, '-')}.json`);
    await writeFile(path, text);
    expect(await operationalCode(loadKeyFile(path))).toBe('KEY_FILE_INVALID');
  });

  it('a missing file is KEY_FILE_UNREADABLE; a directory that does not exist is KEY_FILE_UNWRITABLE', async () => {
    expect(await operationalCode(loadKeyFile(join(dir, 'missing.json')))).toBe('KEY_FILE_UNREADABLE');
    expect(await operationalCode(loadKeyFile(dir))).toBe('KEY_FILE_UNREADABLE');
    expect(await operationalCode(saveKeyFile(join(dir, 'no', 'such', 'dir.json'), generateSigningKey()))).toBe('KEY_FILE_UNWRITABLE');
  });

  it('error messages name the file and never contain the secret', async () => {
    const path = join(dir, 'mismatch.json');
    await writeFile(path, JSON.stringify({ ...good, publicKey: '11'.repeat(32) }));
    const e = await loadKeyFile(path).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OperationalError);
    expect((e as Error).message).toContain(path);
    expect((e as Error).message).not.toContain(good.secretKey);
  });
});
