import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { Buffer } from './buffer.js';

// The node:crypto functions the shared crypto code calls (sha256 hashing, ed25519 keys, sign
// and verify), on @noble for the browser bundle (scripts/build-console.mjs aliases node:crypto
// here). verify keeps the policy of crypto/ed25519.ts: its caller has already refused
// non-canonical encodings and small-order keys; the equation checked is the cofactorless one,
// as OpenSSL does, so browser and node accept exactly the same signatures.

const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);
const L = (1n << 252n) + 27742317777372353535851937790883648493n;

interface Hasher {
  update(data: Uint8Array | string, enc?: 'utf8' | 'latin1'): Hasher;
  digest(): Buffer;
  digest(enc: 'binary' | 'hex' | 'latin1'): string;
}

export function createHash(alg: string): Hasher {
  if (alg !== 'sha256') throw new Error(`browser node:crypto has no ${alg}`);
  const h = sha256.create();
  const hasher = {
    update(data: Uint8Array | string, enc?: 'utf8' | 'latin1') {
      h.update(typeof data === 'string' ? Buffer.of_(data, enc ?? 'utf8') : data);
      return hasher;
    },
    digest(enc?: 'binary' | 'hex' | 'latin1') {
      const b = Buffer.of_(h.digest());
      return enc === undefined ? b : b.toString(enc);
    },
  } as Hasher;
  return hasher;
}

/** A key as node:crypto would hold it: the raw 32 bytes (public key or seed). */
export class KeyObject {
  constructor(readonly type: 'public' | 'private', readonly raw: Uint8Array) {}

  export(_opts: { format: 'der'; type: 'spki' }): Buffer {
    return Buffer.concat([SPKI_PREFIX, this.raw]);
  }
}

export function createPublicKey(from: KeyObject | { key: Uint8Array }): KeyObject {
  if (from instanceof KeyObject) return new KeyObject('public', from.type === 'public' ? from.raw : ed25519.getPublicKey(from.raw));
  return new KeyObject('public', from.key.slice(from.key.length - 32));
}

export function createPrivateKey(from: { key: Uint8Array }): KeyObject {
  return new KeyObject('private', from.key.slice(from.key.length - 32));
}

export function sign(_alg: null, message: Uint8Array, key: KeyObject): Buffer {
  return Buffer.of_(ed25519.sign(message, key.raw));
}

function scalarFromLe(b: Uint8Array): bigint {
  let x = 0n;
  for (let i = b.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[i] as number);
  return x;
}

export function verify(_alg: null, message: Uint8Array, key: KeyObject, signature: Uint8Array): boolean {
  const a = ed25519.Point.fromBytes(key.raw, false);
  const r = signature.subarray(0, 32);
  const s = scalarFromLe(signature.subarray(32, 64));
  const k = scalarFromLe(sha512(Buffer.concat([r, key.raw, message]))) % L;
  const expected = ed25519.Point.BASE.multiplyUnsafe(s).subtract(a.multiplyUnsafe(k)).toBytes();
  return expected.length === 32 && expected.every((x, i) => x === r[i]);
}

/** Absent in browsers: crypto/hash.ts then takes its createHash path. */
export const hash: undefined = undefined;
