import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesEqual, compareBytes, concatBytes, fromHex, fromUtf8, readU64be, toHex, u64be, utf8 } from '../../../src/util/bytes.js';

describe('hex', () => {
  it('round-trips any bytes, including views into a larger buffer', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(8), (b, skip) => {
      const view = b.subarray(Math.min(skip, b.length));
      expect(toHex(view)).toBe(Buffer.from(view).toString('hex'));
      expect(fromHex(toHex(view))).toEqual(new Uint8Array(view));
    }), { numRuns: 1_000 });
  });

  it('accepts either case and refuses odd length, prefixes and non-hex', () => {
    expect(fromHex('ABcd')).toEqual(Uint8Array.of(0xab, 0xcd));
    expect(fromHex('')).toEqual(new Uint8Array(0));
    for (const bad of ['a', '0x00', 'zz', '0 0', 'abc']) expect(fromHex(bad), bad).toBeNull();
  });
});

describe('comparison and concatenation', () => {
  it('compareBytes orders like Buffer.compare and bytesEqual agrees with it', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (a, b) => {
      expect(Math.sign(compareBytes(a, b))).toBe(Buffer.compare(Buffer.from(a), Buffer.from(b)));
      expect(bytesEqual(a, b)).toBe(compareBytes(a, b) === 0);
    }), { numRuns: 2_000 });
  });

  it('concatBytes joins in order', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 8 }), { maxLength: 5 }), (parts) => {
      expect(concatBytes(...parts)).toEqual(new Uint8Array(Buffer.concat(parts.map((p) => Buffer.from(p)))));
    }), { numRuns: 500 });
  });
});

describe('utf8 and u64be', () => {
  it('utf8 round-trips well-formed strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
      expect(fromUtf8(utf8(s))).toBe(s);
    }), { numRuns: 1_000 });
  });

  it('u64be round-trips safe integers, and byte order equals numeric order', () => {
    fc.assert(fc.property(fc.maxSafeNat(), fc.maxSafeNat(), (a, b) => {
      expect(readU64be(u64be(a))).toBe(a);
      expect(Math.sign(compareBytes(u64be(a), u64be(b)))).toBe(Math.sign(a - b));
    }), { numRuns: 2_000 });
    const buf = concatBytes(Uint8Array.of(9, 9), u64be(258));
    expect(readU64be(buf.subarray(2))).toBe(258);
    expect(readU64be(buf, 2)).toBe(258);
  });
});
