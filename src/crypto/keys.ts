import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
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

/**
 * An encrypted key file: the seed sealed with AES-256-GCM under a key derived from a
 * passphrase by scrypt; the public key stays readable and is bound as associated data.
 */
export interface EncryptedKeyFile {
  readonly type: 'ed25519';
  readonly publicKey: string;
  readonly encrypted: {
    readonly kdf: 'scrypt';
    readonly N: number;
    readonly r: number;
    readonly p: number;
    readonly salt: string;
    readonly cipher: 'aes-256-gcm';
    readonly iv: string;
    readonly tag: string;
    readonly ciphertext: string;
  };
}

// scrypt N = 2^15, r = 8: ~0.1 s and 32 MiB per derivation (the interactive-login setting of
// the scrypt paper's authors), paid once at start-up. Files name their parameters, so the
// reader accepts a stronger N, but no weaker than this.
const SCRYPT = { N: 1 << 15, r: 8, p: 1 } as const;
const SCRYPT_MAXMEM = 256 * 1024 * 1024;

/** Where a passphrase for an encrypted key file comes from when the caller gives none. */
export const PASSPHRASE_ENV = 'LEDGER_KEY_PASSPHRASE';
/** A file holding the passphrase (a Docker secret), when PASSPHRASE_ENV is not set. */
export const PASSPHRASE_FILE_ENV = 'LEDGER_KEY_PASSPHRASE_FILE';

function deriveKey(passphrase: string, salt: Uint8Array, n: number, r: number, p: number): Buffer {
  return scryptSync(passphrase.normalize('NFC'), salt, 32, { N: n, r, p, maxmem: SCRYPT_MAXMEM });
}

/** The encrypted JSON form of a key. */
export function encryptKey(key: SigningKey, passphrase: string): EncryptedKeyFile {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const publicKey = toHex(key.publicKey);
  const c = createCipheriv('aes-256-gcm', deriveKey(passphrase, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p), iv);
  c.setAAD(Buffer.from(publicKey));
  const ciphertext = Buffer.concat([c.update(key.seed), c.final()]);
  return {
    type: 'ed25519', publicKey,
    encrypted: {
      kdf: 'scrypt', ...SCRYPT, salt: salt.toString('hex'), cipher: 'aes-256-gcm', iv: iv.toString('hex'),
      tag: c.getAuthTag().toString('hex'), ciphertext: ciphertext.toString('hex'),
    },
  };
}

/** Whether a parsed key file is encrypted. */
export function isEncryptedKeyFile(json: unknown): json is EncryptedKeyFile {
  return typeof json === 'object' && json !== null && 'encrypted' in json;
}

/** Opens an encrypted key file; a wrong passphrase is OperationalError KEY_PASSPHRASE_WRONG. */
export function decryptKey(json: EncryptedKeyFile, passphrase: string, path = 'key file'): SigningKey {
  const e = json.encrypted as Partial<EncryptedKeyFile['encrypted']> | null;
  const bytes = (h: unknown, n?: number): Buffer | null => {
    const b = typeof h === 'string' ? fromHex(h) : null;
    return b === null || (n !== undefined && b.length !== n) ? null : Buffer.from(b);
  };
  const salt = bytes(e?.salt);
  const iv = bytes(e?.iv, 12);
  const tag = bytes(e?.tag, 16);
  const ct = bytes(e?.ciphertext, 32);
  const { N, r, p } = e ?? {};
  if (
    e?.kdf !== 'scrypt' || e.cipher !== 'aes-256-gcm' || salt === null || salt.length < 16 || iv === null || tag === null || ct === null ||
    typeof json.publicKey !== 'string' || !Number.isSafeInteger(N) || (N as number) < SCRYPT.N || (N as number) > 1 << 20 ||
    r !== SCRYPT.r || p !== SCRYPT.p
  ) {
    throw new OperationalError('KEY_FILE_INVALID', `${path} is not a valid encrypted key file`);
  }
  let seed: Buffer;
  try {
    const d = createDecipheriv('aes-256-gcm', deriveKey(passphrase, salt, N as number, r, p), iv);
    d.setAAD(Buffer.from(json.publicKey));
    d.setAuthTag(tag);
    seed = Buffer.concat([d.update(ct), d.final()]);
  } catch {
    throw new OperationalError('KEY_PASSPHRASE_WRONG', `wrong passphrase for key file ${path} (or the file was altered)`);
  }
  return keyFromFile({ type: 'ed25519', publicKey: json.publicKey, secretKey: toHex(seed) }, path);
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

/**
 * Writes a key file readable only by its owner (callers decide whether overwriting is
 * allowed): encrypted under `passphrase` when one is given, else plaintext.
 */
export async function saveKeyFile(path: string, key: SigningKey, passphrase?: string): Promise<void> {
  const body = passphrase === undefined ? keyToFile(key) : encryptKey(key, passphrase);
  try {
    await writeFile(path, JSON.stringify(body, null, 2) + '\n', { mode: 0o600 });
  } catch (e) {
    throw new OperationalError('KEY_FILE_UNWRITABLE', `cannot write key file ${path}: ${(e as Error).message}; check that its directory exists and is writable`);
  }
}

/**
 * The passphrase for an encrypted key file: `passphraseFile` when given, else the environment
 * (LEDGER_KEY_PASSPHRASE, then the file LEDGER_KEY_PASSPHRASE_FILE names). Null when none.
 */
export async function resolvePassphrase(passphraseFile?: string): Promise<string | null> {
  const file = passphraseFile ?? (process.env[PASSPHRASE_ENV] !== undefined ? undefined : process.env[PASSPHRASE_FILE_ENV]);
  if (file === undefined) return process.env[PASSPHRASE_ENV] ?? null;
  try {
    // One trailing newline is not part of the passphrase (echo pass > file).
    return (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
  } catch (e) {
    throw new OperationalError('KEY_PASSPHRASE_UNREADABLE', `cannot read passphrase file ${file}: ${(e as Error).message}`);
  }
}

/** Reads a key file; an encrypted one is opened with the passphrase resolvePassphrase finds. */
export async function loadKeyFile(path: string, passphraseFile?: string): Promise<SigningKey> {
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
  if (isEncryptedKeyFile(json)) {
    const passphrase = await resolvePassphrase(passphraseFile);
    if (passphrase === null) {
      throw new OperationalError('KEY_PASSPHRASE_MISSING', `${path} is encrypted: set ${PASSPHRASE_ENV} or ${PASSPHRASE_FILE_ENV}, or pass --passphrase-file FILE`);
    }
    return decryptKey(json, passphrase, path);
  }
  return keyFromFile(json, path);
}
