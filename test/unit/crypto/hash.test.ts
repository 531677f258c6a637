import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZERO_HASH, sha256, sha256Binary, sha256BinaryOfAscii, sha256Parts } from '../../../src/crypto/hash.js';
import { concatBytes, toHex, utf8 } from '../../../src/util/bytes.js';

// hash.ts takes the node:crypto path for speed; docs/conventions.md requires it to agree with
// @noble/hashes on random inputs.

describe('sha256', () => {
  it('known answers (FIPS 180-2)', () => {
    expect(toHex(sha256(utf8('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(sha256(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(ZERO_HASH)).toBe('00'.repeat(32));
  });

  it('node:crypto agrees with @noble/hashes on random inputs, including views into larger buffers', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(16), (data, skip) => {
      const view = data.subarray(Math.min(skip, data.length));
      expect(toHex(sha256(view))).toBe(toHex(nobleSha256(view)));
    }), { numRuns: 5_000 });
  });

  it('sha256Parts equals sha256 of the concatenation for any split', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 6 }), (parts) => {
      expect(toHex(sha256Parts(...parts))).toBe(toHex(nobleSha256(concatBytes(...parts))));
    }), { numRuns: 2_000 });
  });

  it('returns 32-byte results that do not alias each other', () => {
    const a = sha256(utf8('a'));
    const b = sha256(utf8('b'));
    expect(a.length).toBe(32);
    const before = toHex(b);
    a.fill(0);
    expect(toHex(b)).toBe(before);
  });

  it('sha256Binary and sha256BinaryOfAscii (strings hashed without a byte array) agree with @noble/hashes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
      expect(Buffer.from(sha256Binary(data), 'latin1').equals(Buffer.from(nobleSha256(data)))).toBe(true);
    }), { numRuns: 2_000 });
    fc.assert(fc.property(fc.string({ unit: 'binary-ascii', maxLength: 200 }), (s) => {
      expect(Buffer.from(sha256BinaryOfAscii(s), 'latin1').equals(Buffer.from(nobleSha256(utf8(s))))).toBe(true);
    }), { numRuns: 2_000 });
  });
});
