import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PREFIX, blockKey, encodeKeyPart, historyKey, historyRange, indexKey, indexRange, prefixRange,
} from '../../../src/storage/prefixes.js';
import type { KeyRange } from '../../../src/types/edges.js';
import { compareBytes } from '../../../src/util/bytes.js';

const inRange = (k: Uint8Array, r: KeyRange): boolean =>
  (r.gte === undefined || compareBytes(k, r.gte) >= 0) && (r.lt === undefined || compareBytes(k, r.lt) < 0);
const startsWith = (k: Uint8Array, p: Uint8Array): boolean => k.length >= p.length && p.every((x, i) => k[i] === x);
// Small alphabet around the edges so collisions and shared prefixes are common.
const edgeBytes = fc.uint8Array({ maxLength: 6 }).map((a) => a.map((x) => [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff][x % 6] as number));

describe('storage prefixes', () => {
  it('gives every table entry its own byte', () => {
    const values = Object.values(PREFIX);
    expect(new Set(values).size).toBe(values.length);
  });

  it('prefixRange holds exactly the keys that start with the prefix', () => {
    fc.assert(fc.property(edgeBytes, edgeBytes, (prefix, key) => {
      expect(inRange(key, prefixRange(prefix))).toBe(startsWith(key, prefix));
    }), { numRuns: 2000 });
  });

  it('encodeKeyPart preserves byte order and is prefix-free', () => {
    fc.assert(fc.property(edgeBytes, edgeBytes, (a, c) => {
      const ea = encodeKeyPart(a);
      const ec = encodeKeyPart(c);
      expect(Math.sign(compareBytes(ea, ec))).toBe(Math.sign(compareBytes(a, c)));
      if (compareBytes(a, c) !== 0) expect(startsWith(ec, ea)).toBe(false);
    }), { numRuns: 2000 });
  });

  it('keeps one subject\'s history apart from a longer id sharing its prefix', () => {
    const r = historyRange('invoice:INV-1');
    expect(inRange(historyKey('invoice:INV-1', 7, 0), r)).toBe(true);
    expect(inRange(historyKey('invoice:INV-10', 7, 0), r)).toBe(false);
    expect(compareBytes(historyKey('invoice:INV-1', 2, 9), historyKey('invoice:INV-1', 10, 0))).toBeLessThan(0);
  });

  it('scopes index ranges by name and leading parts', () => {
    const r = indexRange('invoice.holder', 'alice');
    expect(inRange(indexKey('invoice.holder', 'alice', 'INV-1'), r)).toBe(true);
    expect(inRange(indexKey('invoice.holder', 'alice2', 'INV-1'), r)).toBe(false);
    expect(inRange(indexKey('invoice.holderX', 'alice', 'INV-1'), r)).toBe(false);
  });

  it('orders block keys by height numerically', () => {
    expect(compareBytes(blockKey(255), blockKey(256))).toBeLessThan(0);
    expect(compareBytes(blockKey(2 ** 40), blockKey(2 ** 40 + 1))).toBeLessThan(0);
  });
});
