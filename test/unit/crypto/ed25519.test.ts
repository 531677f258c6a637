import { createHash, createPublicKey, verify as rawNodeVerify } from 'node:crypto';
import { ED25519_TORSION_SUBGROUP, ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isCanonicalPointEncoding, isCanonicalScalar, isValidPublicKey, signMessage, signingKeyFromSeed, verifySignature,
  verifySignatureNoble,
} from '../../../src/crypto/ed25519.js';
import { concatBytes, fromHex, toHex } from '../../../src/util/bytes.js';
import { NON_CANONICAL_POINTS, RFC8032_VECTORS, TEST_1024_MESSAGE_SHA256 } from './ed25519-vectors.js';

// The fast path (node:crypto) and the reference path (noble point arithmetic) must accept
// exactly the same signatures (src/crypto/ed25519.ts, signature policy), or validators using
// different paths would split. Each known divergence between OpenSSL and noble is crafted here.

const L = (1n << 252n) + 27742317777372353535851937790883648493n;
const hex = (h: string): Uint8Array => {
  const b = fromHex(h);
  if (b === null) throw new Error(`bad hex ${h.slice(0, 16)}`);
  return b;
};
const le = (b: Uint8Array): bigint => b.reduceRight((x, byte) => (x << 8n) | BigInt(byte), 0n);
const toLe = (x: bigint): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => Number((x >> BigInt(8 * i)) & 0xffn));
const TORSION = ED25519_TORSION_SUBGROUP.map(hex);
const Point = ed25519.Point;

/** The secret scalar a of a seed (RFC 8032 5.1.5). */
function secretScalar(seed: Uint8Array): bigint {
  const h = sha512(seed).slice(0, 32);
  h[0] = (h[0] as number) & 248;
  h[31] = ((h[31] as number) & 127) | 64;
  return le(h) % L;
}

const challenge = (r: Uint8Array, a: Uint8Array, m: Uint8Array): bigint => le(sha512(concatBytes(r, a, m))) % L;

/** A signature (R, S) with R = [r]B + t for a chosen r and torsion point t, valid under the cofactored equation. */
function craftSignature(seed: Uint8Array, publicKey: Uint8Array, message: Uint8Array, r: bigint, t: Uint8Array): Uint8Array {
  const rBytes = Point.BASE.multiply(r).add(Point.fromBytes(t)).toBytes();
  const s = (r + challenge(rBytes, publicKey, message) * secretScalar(seed)) % L;
  return concatBytes(rBytes, toLe(s));
}

function bothPaths(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): { node: boolean; noble: boolean } {
  return { node: verifySignature(pk, msg, sig), noble: verifySignatureNoble(pk, msg, sig) };
}

describe('RFC 8032 section 7.1', () => {
  it('TEST 1024 message is transcribed exactly', () => {
    const msg = RFC8032_VECTORS.find((v) => v.name === 'TEST 1024')?.message ?? '';
    expect(msg.length).toBe(2046);
    expect(createHash('sha256').update(hex(msg)).digest('hex')).toBe(TEST_1024_MESSAGE_SHA256);
    const abc = RFC8032_VECTORS.find((v) => v.name === 'TEST SHA(abc)')?.message;
    expect(abc).toBe(createHash('sha512').update('abc').digest('hex'));
  });

  it.each(RFC8032_VECTORS.map((v) => [v.name, v] as const))('%s: key, signature and both verifiers', (_name, v) => {
    const key = signingKeyFromSeed(hex(v.secretKey));
    expect(toHex(key.publicKey)).toBe(v.publicKey);
    expect(toHex(signMessage(key, hex(v.message)))).toBe(v.signature);
    // A browser has no node:crypto KeyObject: the page's signer (noble) gives the same bytes.
    expect(toHex(signMessage({ ...key, keyObject: null }, hex(v.message)))).toBe(v.signature);
    expect(bothPaths(hex(v.publicKey), hex(v.message), hex(v.signature))).toEqual({ node: true, noble: true });
    expect(isValidPublicKey(key.publicKey)).toBe(true);
  });

  it('TEST 2: every single-bit change of the signature is refused by both paths', () => {
    const v = RFC8032_VECTORS[1];
    if (v === undefined) throw new Error('missing vector');
    for (let bit = 0; bit < 512; bit++) {
      const sig = hex(v.signature);
      sig[bit >> 3] = (sig[bit >> 3] as number) ^ (1 << (bit & 7));
      expect(bothPaths(hex(v.publicKey), hex(v.message), sig), `bit ${bit}`).toEqual({ node: false, noble: false });
    }
  });
});

describe('strict policy: both paths refuse, where a lax verifier would accept', () => {
  const v = RFC8032_VECTORS[0];
  if (v === undefined) throw new Error('missing vector');
  const pk = hex(v.publicKey);
  const msg = hex(v.message);
  const sig = hex(v.signature);

  it('S + L (the same scalar, a second spelling of one signature)', () => {
    const sPlusL = concatBytes(sig.subarray(0, 32), toLe(le(sig.subarray(32)) + L));
    expect(isCanonicalScalar(sPlusL, 32)).toBe(false);
    expect(bothPaths(pk, msg, sPlusL)).toEqual({ node: false, noble: false });
  });

  it.each(NON_CANONICAL_POINTS)('non-canonical or undecodable point %s as A and as R', (p) => {
    expect(bothPaths(hex(p), msg, sig)).toEqual({ node: false, noble: false });
    expect(bothPaths(pk, msg, concatBytes(hex(p), sig.subarray(32)))).toEqual({ node: false, noble: false });
  });

  it('the identity spelled y = p + 1 forges with S = 0 under OpenSSL alone; the pre-check refuses it', () => {
    const a = hex('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');
    expect(isCanonicalPointEncoding(a)).toBe(false);
    const forged = concatBytes(hex(`01${'00'.repeat(31)}`), new Uint8Array(32));
    // Why the pre-check exists: raw OpenSSL takes this "signature" for any message.
    const der = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), a]);
    expect(rawNodeVerify(null, Buffer.from('any message'), createPublicKey({ key: der, format: 'der', type: 'spki' }), forged)).toBe(true);
    expect(bothPaths(a, Buffer.from('any message'), forged)).toEqual({ node: false, noble: false });
  });

  it.each(ED25519_TORSION_SUBGROUP)('small-order public key %s: the cofactored forgery R = [r]B, S = r is refused', (t) => {
    const a = hex(t);
    expect(isValidPublicKey(a)).toBe(false);
    const r = 1234567n;
    const forged = concatBytes(Point.BASE.multiply(r).toBytes(), toLe(r));
    for (const m of [new Uint8Array(0), Buffer.from('any message')]) {
      expect(bothPaths(a, m, forged)).toEqual({ node: false, noble: false });
    }
    const identityForgery = concatBytes(hex(`01${'00'.repeat(31)}`), new Uint8Array(32));
    expect(bothPaths(a, msg, identityForgery)).toEqual({ node: false, noble: false });
  });

  it('R with a torsion component: valid under the cofactored equation only, refused by both', () => {
    const seed = hex(v.secretKey);
    const forged = craftSignature(seed, pk, msg, 987654321n, TORSION[1] as Uint8Array);
    expect(ed25519.verify(forged, msg, pk, { zip215: false }), 'noble cofactored verify accepts it').toBe(true);
    expect(bothPaths(pk, msg, forged)).toEqual({ node: false, noble: false });
  });
});

describe('both paths agree (fast-check)', () => {
  const arbSeed = fc.uint8Array({ minLength: 32, maxLength: 32 });
  const arbMsg = fc.uint8Array({ maxLength: 64 });

  it('random keys and messages: both accept the signature, both refuse another message', () => {
    fc.assert(fc.property(arbSeed, arbMsg, arbMsg, (seed, msg, other) => {
      const key = signingKeyFromSeed(seed);
      const sig = signMessage(key, msg);
      expect(bothPaths(key.publicKey, msg, sig)).toEqual({ node: true, noble: true });
      if (toHex(other) !== toHex(msg)) expect(bothPaths(key.publicKey, other, sig)).toEqual({ node: false, noble: false });
    }), { numRuns: 200 });
  });

  type Mutation =
    | { kind: 'sigBit' | 'keyBit'; at: number }
    | { kind: 'sPlusL' }
    | { kind: 'nonCanonicalR' | 'nonCanonicalA' | 'smallOrderA' | 'torsionR' | 'mixedA'; at: number };
  const arbMutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constantFrom('sigBit' as const, 'keyBit' as const), at: fc.nat(511) }),
    fc.constant({ kind: 'sPlusL' as const }),
    fc.record({ kind: fc.constantFrom('nonCanonicalR' as const, 'nonCanonicalA' as const, 'smallOrderA' as const, 'torsionR' as const, 'mixedA' as const), at: fc.nat(7) }),
  );
  const MUST_REFUSE = new Set(['sigBit', 'keyBit', 'sPlusL', 'nonCanonicalR', 'nonCanonicalA', 'smallOrderA', 'torsionR']);

  it('mutated signatures and keys: both paths give the same answer (and refuse every strictness case)', () => {
    fc.assert(fc.property(arbSeed, arbMsg, arbMutation, (seed, msg, m) => {
      const key = signingKeyFromSeed(seed);
      let pk = key.publicKey;
      let sig = signMessage(key, msg);
      const r = le(sha512(concatBytes(seed, msg)).subarray(0, 16)) + 1n;
      switch (m.kind) {
        case 'sigBit': sig = Uint8Array.from(sig); sig[m.at >> 3] = (sig[m.at >> 3] as number) ^ (1 << (m.at & 7)); break;
        case 'keyBit': pk = Uint8Array.from(pk); pk[(m.at >> 3) & 31] = (pk[(m.at >> 3) & 31] as number) ^ (1 << (m.at & 7)); break;
        case 'sPlusL': sig = concatBytes(sig.subarray(0, 32), toLe(le(sig.subarray(32)) + L)); break;
        case 'nonCanonicalR': sig = concatBytes(hex(NON_CANONICAL_POINTS[m.at % NON_CANONICAL_POINTS.length] as string), sig.subarray(32)); break;
        case 'nonCanonicalA': pk = hex(NON_CANONICAL_POINTS[m.at % NON_CANONICAL_POINTS.length] as string); break;
        case 'smallOrderA': pk = TORSION[m.at] as Uint8Array; sig = concatBytes(Point.BASE.multiply(r).toBytes(), toLe(r)); break;
        case 'torsionR': sig = craftSignature(seed, pk, msg, r, TORSION[1 + (m.at % 7)] as Uint8Array); break;
        case 'mixedA': {
          // A + T signed with A's secret: the cofactorless equation holds only when [k]T = 0.
          pk = Point.fromBytes(pk).add(Point.fromBytes(TORSION[m.at] as Uint8Array)).toBytes();
          const rBytes = Point.BASE.multiply(r).toBytes();
          sig = concatBytes(rBytes, toLe((r + challenge(rBytes, pk, msg) * secretScalar(seed)) % L));
          break;
        }
      }
      const got = bothPaths(pk, msg, sig);
      expect(got.node, `${m.kind}: paths disagree`).toBe(got.noble);
      if (MUST_REFUSE.has(m.kind)) expect(got.node, `${m.kind} accepted`).toBe(false);
    }), { numRuns: 1_000 });
  });
});

describe('encoding predicates', () => {
  it('isCanonicalScalar is S < L at the boundary', () => {
    expect(isCanonicalScalar(toLe(L - 1n))).toBe(true);
    expect(isCanonicalScalar(toLe(L))).toBe(false);
    expect(isCanonicalScalar(toLe(0n))).toBe(true);
  });

  it('isCanonicalPointEncoding is y < p, ignoring the sign bit', () => {
    const p = (1n << 255n) - 19n;
    expect(isCanonicalPointEncoding(toLe(p - 1n))).toBe(true);
    expect(isCanonicalPointEncoding(toLe(p))).toBe(false);
    expect(isCanonicalPointEncoding(toLe((p - 1n) | (1n << 255n)))).toBe(true);
    expect(isCanonicalPointEncoding(toLe(p | (1n << 255n)))).toBe(false);
  });

  it('wrong lengths are refused, and a bad seed length throws RangeError', () => {
    const v = RFC8032_VECTORS[0];
    if (v === undefined) throw new Error('missing vector');
    expect(bothPaths(hex(v.publicKey).subarray(0, 31), hex(v.message), hex(v.signature))).toEqual({ node: false, noble: false });
    expect(bothPaths(hex(v.publicKey), hex(v.message), hex(v.signature).subarray(0, 63))).toEqual({ node: false, noble: false });
    expect(() => signingKeyFromSeed(new Uint8Array(31))).toThrow(RangeError);
  });
});
