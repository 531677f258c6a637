import { scryptAsync } from '@noble/hashes/scrypt.js';
import { signingKeyFromSeed, type SigningKey } from '../crypto/ed25519.js';
import { fromHex, toHex } from '../util/bytes.js';

// Opens a `ledger keygen` key file in the browser: plaintext ({type, publicKey, secretKey}) or
// encrypted (scrypt → AES-256-GCM with the public key as associated data, crypto/keys.ts). The
// secret stays in this page's memory only: nothing is written to storage or sent anywhere.

/** Why a key file was refused. */
export class KeyFileError extends Error {}

interface Encrypted {
  kdf: string; N: number; r: number; p: number; salt: string; cipher: string; iv: string; tag: string; ciphertext: string;
}

function hex(v: unknown, what: string, len?: number): Uint8Array {
  const b = typeof v === 'string' ? fromHex(v) : null;
  if (b === null || (len !== undefined && b.length !== len)) throw new KeyFileError(`key file: bad ${what}`);
  return b;
}

/** Whether the key file needs a passphrase. */
export function isEncrypted(json: unknown): boolean {
  return typeof json === 'object' && json !== null && 'encrypted' in json;
}

/** The signing key of a parsed key file; `passphrase` for encrypted ones. */
export async function openKeyFile(json: unknown, passphrase = ''): Promise<SigningKey> {
  if (typeof json !== 'object' || json === null) throw new KeyFileError('key file: not a JSON object');
  const f = json as { type?: unknown; publicKey?: unknown; secretKey?: unknown; encrypted?: Encrypted };
  if (f.type !== 'ed25519' || typeof f.publicKey !== 'string') throw new KeyFileError('key file: not an ed25519 key file');
  let seed: Uint8Array;
  if (f.encrypted !== undefined) {
    const e = f.encrypted;
    if (e.kdf !== 'scrypt' || e.cipher !== 'aes-256-gcm' || !Number.isSafeInteger(e.N) || e.N > 1 << 20) throw new KeyFileError('key file: unsupported encryption');
    const dk = await scryptAsync(passphrase.normalize('NFC'), hex(e.salt, 'salt'), { N: e.N, r: e.r, p: e.p, dkLen: 32 });
    const aes = await crypto.subtle.importKey('raw', dk as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['decrypt']);
    const sealed = new Uint8Array([...hex(e.ciphertext, 'ciphertext', 32), ...hex(e.tag, 'tag', 16)]);
    try {
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: hex(e.iv, 'iv', 12) as Uint8Array<ArrayBuffer>, additionalData: new TextEncoder().encode(f.publicKey), tagLength: 128 },
        aes, sealed,
      );
      seed = new Uint8Array(plain);
    } catch {
      throw new KeyFileError('wrong passphrase (or the key file was altered)');
    }
  } else {
    seed = hex(f.secretKey, 'secretKey', 32);
  }
  const key = signingKeyFromSeed(seed);
  if (toHex(key.publicKey) !== f.publicKey.toLowerCase()) throw new KeyFileError('key file: the secret key does not match its public key');
  return key;
}
