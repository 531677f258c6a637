import type * as NodeCrypto from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import type { PublicKey, Signature } from '../types/primitives.js';
import { bytesEqual, toHex } from '../util/bytes.js';
import { nodeBuiltin } from '../util/node-builtin.js';

// node:crypto is the fast path under Node; in a browser (the auditor's console signs its read
// tokens there) verifySignature takes the reference path below and signing takes noble's
// RFC 8032 signer: deterministic, so both give the same signature for the same key and message.
const nodeCrypto = nodeBuiltin<typeof NodeCrypto>('node:crypto');

// Signature policy (one rule set everywhere, docs/measurements.md pitfall): RFC 8032 strict, i.e.
//  - the public key A and the point R must be canonical encodings (y < p),
//  - the scalar S must be canonical (S < L),
//  - A must decode to a curve point that is not of small order (isValidPublicKey),
//  - the cofactorless equation holds: encode([S]B - [k]A) == R, k = SHA-512(R ‖ A ‖ M) mod L.
// node:crypto (OpenSSL) checks S < L and uses the cofactorless equation, but accepts
// non-canonical A/R and small-order A (identity key, identity R, S = 0 verifies any message).
// noble's strict verify uses the cofactored equation, which accepts R with a torsion component
// that OpenSSL rejects. So we pre-check encodings and A ourselves on the fast path, and write
// the reference path with noble's point arithmetic and the cofactorless equation: both accept
// exactly the same signatures (test/unit/crypto/ed25519.test.ts crafts each divergence).

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

// PERF: building a KeyObject from raw bytes halves verify throughput (docs/measurements.md), so cache
// per signer; the small-order check (one point decompression, ~0.1 ms) is paid once per key
// too, and a rejected key is cached as null. Bounded: consortia have thousands of accounts.
const KEY_CACHE_MAX = 100_000;
const keyCache = new Map<string, KeyObject | null>();

function publicKeyObject(publicKey: PublicKey): KeyObject | null {
  const id = toHex(publicKey);
  let k = keyCache.get(id);
  if (k === undefined) {
    k = null;
    if (isValidPublicKey(publicKey)) {
      const der = new Uint8Array(SPKI_PREFIX.length + 32);
      der.set(SPKI_PREFIX);
      der.set(publicKey, SPKI_PREFIX.length);
      k = (nodeCrypto as typeof NodeCrypto).createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
    }
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
    keyCache.set(id, k);
  }
  return k;
}

/** Verifies an ed25519 signature on the fast path (node:crypto) under the policy above. */
export function verifySignature(publicKey: PublicKey, message: Uint8Array, signature: Signature): boolean {
  if (nodeCrypto === null) return verifySignatureNoble(publicKey, message, signature);
  if (!encodingsCanonical(publicKey, signature)) return false;
  try {
    const key = publicKeyObject(publicKey);
    return key !== null && nodeCrypto.verify(null, message, key, signature);
  } catch {
    return false;
  }
}

// L = 2^252 + 27742317777372353535851937790883648493 as a bigint, for k = H(R ‖ A ‖ M) mod L.
const L = (1n << 252n) + 27742317777372353535851937790883648493n;

function scalarFromLe(b: Uint8Array): bigint {
  let x = 0n;
  for (let i = b.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[i] as number);
  return x;
}

/**
 * Reference path (@noble/curves point arithmetic, cofactorless RFC 8032 check) under the same
 * policy as verifySignature; used by tests and audits. Not for hot paths: ~1 ms per call.
 */
export function verifySignatureNoble(publicKey: PublicKey, message: Uint8Array, signature: Signature): boolean {
  if (!encodingsCanonical(publicKey, signature)) return false;
  try {
    const a = ed25519.Point.fromBytes(publicKey, false);
    if (a.isSmallOrder()) return false;
    const r = signature.subarray(0, 32);
    const s = scalarFromLe(signature.subarray(32, 64));
    const h = new Uint8Array(64 + message.length);
    h.set(r, 0);
    h.set(publicKey, 32);
    h.set(message, 64);
    const k = scalarFromLe(sha512(h)) % L;
    // R is never decoded: a canonical R that equals the encoding of a valid point is the only
    // thing that can match, which is exactly what OpenSSL's byte comparison accepts.
    const expected = ed25519.Point.BASE.multiplyUnsafe(s).subtract(a.multiplyUnsafe(k)).toBytes();
    return bytesEqual(expected, r);
  } catch {
    return false;
  }
}

/** A signing key: the 32-byte seed, its public key, and a cached node:crypto KeyObject (null in a browser). */
export interface SigningKey {
  readonly publicKey: PublicKey;
  readonly seed: Uint8Array;
  readonly keyObject: KeyObject | null;
}

/** Builds a SigningKey from a 32-byte seed (RFC 8032 secret key). */
export function signingKeyFromSeed(seed: Uint8Array): SigningKey {
  if (seed.length !== 32) throw new RangeError('ed25519 seed must be 32 bytes');
  if (nodeCrypto === null) return { publicKey: ed25519.getPublicKey(seed), seed: new Uint8Array(seed), keyObject: null };
  const der = new Uint8Array(PKCS8_PREFIX.length + 32);
  der.set(PKCS8_PREFIX);
  der.set(seed, PKCS8_PREFIX.length);
  const keyObject = nodeCrypto.createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
  const spki = nodeCrypto.createPublicKey(keyObject).export({ format: 'der', type: 'spki' });
  const publicKey = new Uint8Array(spki.subarray(spki.length - 32));
  return { publicKey, seed: new Uint8Array(seed), keyObject };
}

/** Signs (deterministic, RFC 8032): node:crypto under Node, noble in a browser. */
export function signMessage(key: SigningKey, message: Uint8Array): Signature {
  if (nodeCrypto === null || key.keyObject === null) return ed25519.sign(message, key.seed);
  return new Uint8Array(nodeCrypto.sign(null, message, key.keyObject));
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
