import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { PublicKey, Signature } from '../types/primitives.js';
import { toHex } from '../util/bytes.js';

// Signature policy (one rule set everywhere, MEASURED.md pitfall): RFC 8032 strict, i.e.
//  - the public key A and the point R must be canonical encodings (y < p),
//  - the scalar S must be canonical (S < L),
//  - a public key must not be of small order (checked when a key is registered: isValidPublicKey).
// node:crypto (OpenSSL) checks S < L but is lax on non-canonical A/R, and noble defaults to
// ZIP-215 (lax); we pre-check encodings ourselves and run noble with zip215:false, so the fast
// path and the reference path accept exactly the same signatures (test/unit/crypto/ed25519.test.ts).

const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);
const PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);

// L = 2^252 + 27742317777372353535851937790883648493, little-endian.
const L_LE = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
]);

/** True when a 32-byte little-endian field element (sign bit ignored) is < p = 2^255 - 19. */
export function isCanonicalPointEncoding(b: Uint8Array, offset = 0): boolean {
  if (((b[offset + 31] as number) & 0x7f) !== 0x7f) return true;
  for (let i = 30; i >= 1; i--) if (b[offset + i] !== 0xff) return true;
  return (b[offset] as number) < 0xed;
}

/** True when the 32-byte little-endian scalar at `offset` is < L. */
export function isCanonicalScalar(b: Uint8Array, offset = 0): boolean {
  for (let i = 31; i >= 0; i--) {
    const x = b[offset + i] as number;
    const l = L_LE[i] as number;
    if (x < l) return true;
    if (x > l) return false;
  }
  return false;
}

function encodingsCanonical(publicKey: Uint8Array, signature: Uint8Array): boolean {
  return (
    publicKey.length === 32 && signature.length === 64 &&
    isCanonicalPointEncoding(publicKey) && isCanonicalPointEncoding(signature, 0) && isCanonicalScalar(signature, 32)
  );
}

// PERF: building a KeyObject from raw bytes halves verify throughput (MEASURED.md), so cache
// per signer. Bounded: consortia have thousands of accounts, not millions.
const KEY_CACHE_MAX = 100_000;
const keyCache = new Map<string, KeyObject>();

function publicKeyObject(publicKey: PublicKey): KeyObject {
  const id = toHex(publicKey);
  let k = keyCache.get(id);
  if (k === undefined) {
    const der = new Uint8Array(SPKI_PREFIX.length + 32);
    der.set(SPKI_PREFIX);
    der.set(publicKey, SPKI_PREFIX.length);
    k = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
    keyCache.set(id, k);
  }
  return k;
}

/** Verifies an ed25519 signature on the fast path (node:crypto) under the policy above. */
export function verifySignature(publicKey: PublicKey, message: Uint8Array, signature: Signature): boolean {
  if (!encodingsCanonical(publicKey, signature)) return false;
  try {
    return nodeVerify(null, message, publicKeyObject(publicKey), signature);
  } catch {
    return false;
  }
}

/** Reference path (@noble/curves, strict RFC 8032) under the same policy; used by tests and audits. */
export function verifySignatureNoble(publicKey: PublicKey, message: Uint8Array, signature: Signature): boolean {
  if (!encodingsCanonical(publicKey, signature)) return false;
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

/** A signing key: the 32-byte seed, its public key, and a cached node:crypto KeyObject. */
export interface SigningKey {
  readonly publicKey: PublicKey;
  readonly seed: Uint8Array;
  readonly keyObject: KeyObject;
}

/** Builds a SigningKey from a 32-byte seed (RFC 8032 secret key). */
export function signingKeyFromSeed(seed: Uint8Array): SigningKey {
  if (seed.length !== 32) throw new RangeError('ed25519 seed must be 32 bytes');
  const der = new Uint8Array(PKCS8_PREFIX.length + 32);
  der.set(PKCS8_PREFIX);
  der.set(seed, PKCS8_PREFIX.length);
  const keyObject = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(keyObject).export({ format: 'der', type: 'spki' });
  const publicKey = new Uint8Array(spki.subarray(spki.length - 32));
  return { publicKey, seed: new Uint8Array(seed), keyObject };
}

/** Signs with node:crypto (deterministic, RFC 8032). */
export function signMessage(key: SigningKey, message: Uint8Array): Signature {
  return new Uint8Array(nodeSign(null, message, key.keyObject));
}

/** True for a canonical encoding of a point on the curve that is not of small order. */
export function isValidPublicKey(publicKey: Uint8Array): boolean {
  if (publicKey.length !== 32 || !isCanonicalPointEncoding(publicKey)) return false;
  try {
    const p = ed25519.Point.fromBytes(publicKey, false);
    return !p.isSmallOrder();
  } catch {
    return false;
  }
}
