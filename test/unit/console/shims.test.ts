import { createHash as nodeCreateHash } from 'node:crypto';
import { ED25519_TORSION_SUBGROUP, ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Buffer as ShimBuffer } from '../../../src/console/shims/buffer.js';
import * as shim from '../../../src/console/shims/node-crypto.js';
import { signMessage, signingKeyFromSeed, verifySignature } from '../../../src/crypto/ed25519.js';
import { concatBytes, fromHex } from '../../../src/util/bytes.js';

// The browser bundle swaps Buffer and node:crypto for these shims (scripts/build-console.mjs),
// so the SDK's verifiers run on them in the console. They must give byte for byte what Node
// gives, and the signature check must accept exactly what crypto/ed25519.ts accepts.

const SB = ShimBuffer as unknown as typeof Buffer;
const ENCODINGS = ['hex', 'latin1', 'binary', 'base64', 'base64url', 'utf8'] as const;

describe('Buffer shim', () => {
  it('encodes bytes as Node does, in every encoding the shared code uses', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const n = Buffer.from(bytes);
      const s = SB.from(bytes);
      for (const enc of ENCODINGS) expect(s.toString(enc), enc).toBe(n.toString(enc));
      expect((s as unknown as ShimBuffer).latin1Slice(1, Math.max(1, bytes.length - 1))).toBe(n.toString('latin1', 1, Math.max(1, bytes.length - 1)));
      expect(SB.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).equals(n)).toBe(true);
    }));
  });

  it('decodes strings as Node does, including the bad hex Node truncates', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const n = Buffer.from(bytes);
      for (const enc of ['hex', 'latin1', 'base64', 'base64url'] as const) {
        expect(Uint8Array.from(SB.from(n.toString(enc), enc)), enc).toEqual(Uint8Array.from(n));
      }
    }));
    fc.assert(fc.property(fc.string(), (s) => {
      expect(Uint8Array.from(SB.from(s))).toEqual(Uint8Array.from(Buffer.from(s)));
      expect(Uint8Array.from(SB.from(s, 'latin1'))).toEqual(Uint8Array.from(Buffer.from(s, 'latin1')));
    }));
    for (const bad of ['0g12', 'abc', '12zz34']) expect(Uint8Array.from(SB.from(bad, 'hex'))).toEqual(Uint8Array.from(Buffer.from(bad, 'hex')));
    expect(SB.concat([Uint8Array.of(1), Uint8Array.of(2, 3)]).toString('hex')).toBe('010203');
    expect(SB.from([1, 2]).equals(Uint8Array.of(1, 3))).toBe(false);
  });
});

describe('node:crypto shim', () => {
  it('sha256 equals node:crypto for bytes and strings, in every output form', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 500 }), fc.string(), (bytes, s) => {
      expect(Uint8Array.from(shim.createHash('sha256').update(bytes).digest())).toEqual(Uint8Array.from(nodeCreateHash('sha256').update(bytes).digest()));
      expect(shim.createHash('sha256').update(s, 'latin1').digest('binary')).toBe(nodeCreateHash('sha256').update(s, 'latin1').digest('binary'));
      expect(shim.createHash('sha256').update(s).update(bytes).digest('hex')).toBe(nodeCreateHash('sha256').update(s).update(bytes).digest('hex'));
    }));
    expect(() => shim.createHash('md5')).toThrow();
  });

  it('derives the same public key and signs the same bytes as node:crypto', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 100 }), (seed, msg) => {
      const node = signingKeyFromSeed(seed);
      const priv = shim.createPrivateKey({ key: concatBytes(new Uint8Array(16), seed) });
      const pub = shim.createPublicKey(priv);
      expect(Uint8Array.from(pub.export({ format: 'der', type: 'spki' }).subarray(12))).toEqual(node.publicKey);
      expect(Uint8Array.from(shim.sign(null, msg, priv))).toEqual(signMessage(node, msg));
    }), { numRuns: 30 });
  });

  it('verifies as the node path does: valid ones pass, any flipped bit and a torsion-component R fail', () => {
    const key = signingKeyFromSeed(new Uint8Array(32).fill(7));
    const msg = Uint8Array.from([1, 2, 3]);
    const sig = signMessage(key, msg);
    const pub = shim.createPublicKey({ key: key.publicKey });
    expect(shim.verify(null, msg, pub, sig)).toBe(true);
    for (let bit = 0; bit < 512; bit += 7) {
      const bad = sig.slice();
      bad[bit >> 3] = (bad[bit >> 3] as number) ^ (1 << (bit & 7));
      let shimSays: boolean;
      try {
        shimSays = shim.verify(null, msg, pub, bad);
      } catch {
        shimSays = false;
      }
      expect(shimSays, `bit ${bit}`).toBe(verifySignature(key.publicKey, msg, bad));
    }
    // R = [r]B + T for a torsion point T satisfies only the cofactored equation: OpenSSL and
    // crypto/ed25519.ts refuse it, and so must the browser.
    const L = (1n << 252n) + 27742317777372353535851937790883648493n;
    const le = (b: Uint8Array): bigint => b.reduceRight((x, byte) => (x << 8n) | BigInt(byte), 0n);
    const h = sha512(new Uint8Array(32).fill(7)).slice(0, 32);
    h[0] = (h[0] as number) & 248;
    h[31] = ((h[31] as number) & 127) | 64;
    const a = le(h) % L;
    const r = 987654321n;
    const rBytes = ed25519.Point.BASE.multiply(r).add(ed25519.Point.fromBytes(fromHex(ED25519_TORSION_SUBGROUP[1] as string) as Uint8Array)).toBytes();
    const s = (r + (le(sha512(concatBytes(rBytes, key.publicKey, msg))) % L) * a) % L;
    const forged = concatBytes(rBytes, Uint8Array.from({ length: 32 }, (_, i) => Number((s >> BigInt(8 * i)) & 0xffn)));
    expect(ed25519.verify(forged, msg, key.publicKey, { zip215: false }), 'the cofactored check accepts it').toBe(true);
    expect(shim.verify(null, msg, pub, forged)).toBe(false);
    expect(verifySignature(key.publicKey, msg, forged)).toBe(false);
  });
});
