import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { fromHex, toHex } from '../util/bytes.js';
import { OperationalError } from '../util/errors.js';
import { signingKeyFromSeed, type SigningKey } from './ed25519.js';

/** On-disk key file: JSON with the hex seed and public key (written with mode 0600). */
export interface KeyFile {
  readonly type: 'ed25519';
  readonly publicKey: string;
  readonly secretKey: string;
}

/** A fresh random signing key. */
export function generateSigningKey(): SigningKey {
  return signingKeyFromSeed(new Uint8Array(randomBytes(32)));
}

/** The JSON form of a key. */
export function keyToFile(key: SigningKey): KeyFile {
  return { type: 'ed25519', publicKey: toHex(key.publicKey), secretKey: toHex(key.seed) };
}

/** Parses a key file's JSON; throws OperationalError naming the problem. */
export function keyFromFile(json: unknown, path = 'key file'): SigningKey {
  const o = json as Partial<KeyFile> | null;
  const seed = typeof o?.secretKey === 'string' ? fromHex(o.secretKey) : null;
  if (o?.type !== 'ed25519' || seed === null || seed.length !== 32) {
    throw new OperationalError('KEY_FILE_INVALID', `${path} is not an ed25519 key file; create one with "ledger keygen --out FILE"`);
  }
  const key = signingKeyFromSeed(seed);
  if (o.publicKey !== undefined && o.publicKey !== toHex(key.publicKey)) {
    throw new OperationalError('KEY_FILE_INVALID', `${path}: publicKey does not match secretKey`);
  }
  return key;
}

/** Writes a key file readable only by its owner (callers decide whether overwriting is allowed). */
export async function saveKeyFile(path: string, key: SigningKey): Promise<void> {
  try {
    await writeFile(path, JSON.stringify(keyToFile(key), null, 2) + '\n', { mode: 0o600 });
  } catch (e) {
    throw new OperationalError('KEY_FILE_UNWRITABLE', `cannot write key file ${path}: ${(e as Error).message}; check that its directory exists and is writable`);
  }
}

/** Reads a key file. */
export async function loadKeyFile(path: string): Promise<SigningKey> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new OperationalError('KEY_FILE_UNREADABLE', `cannot read key file ${path}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new OperationalError('KEY_FILE_INVALID', `${path} is not JSON`);
  }
  return keyFromFile(json, path);
}
