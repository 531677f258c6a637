import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BLOCK_LIMITS, DecodeError, MAX_DECODE_BYTES, MAX_TX_BYTES, type DecodeErrorCode, decodeBlock, decodeHeader,
  decodeTxEnvelope, encodeTxEnvelope, pack, unpackCanonical,
} from '../../../src/codec/index.js';
import type { TxEnvelope } from '../../../src/types/tx.js';
import { arbInt, arbTxEnvelope, arbUint } from './codec-arbitraries.js';
import { NIL, arr, bin, canonicalWidth, f32, f64, int, map, str, widthsFor } from './craft.js';

// Each way to write the same value twice, and each oversize input, is refused with its code
// (src/codec/msgpack.ts documents the codes). Encodings are built by hand (craft.ts), so these
// tests do not trust msgpackr to produce the hostile forms.

const RUNS = 10_000;

function codeOf(fn: () => unknown): DecodeErrorCode | 'ACCEPTED' {
  try {
    fn();
    return 'ACCEPTED';
  } catch (e) {
    if (e instanceof DecodeError) return e.code;
    throw e;
  }
}

/** A tx envelope with the nonce and payload given as raw encodings. */
function craftTx(tx: TxEnvelope, nonce: Uint8Array, payload: Uint8Array = pack(tx.payload)): Uint8Array {
  return arr(str(tx.chainId), str(tx.type), bin(tx.signer), nonce, payload, bin(tx.signature));
}

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

describe('canonical form (fast-check)', () => {
  it('the hand writer reproduces encodeTxEnvelope with canonical integer widths', () => {
    fc.assert(fc.property(arbTxEnvelope, (tx) => {
      expect(same(craftTx(tx, int(tx.nonce, canonicalWidth(tx.nonce))), encodeTxEnvelope(tx))).toBe(true);
    }), { numRuns: 1_000 });
  });

  it('integers: exactly one width is accepted, every other is DECODE_NON_CANONICAL', () => {
    fc.assert(fc.property(arbInt, (n) => {
      for (const w of widthsFor(n)) {
        const expected = w === canonicalWidth(n) ? 'ACCEPTED' : 'DECODE_NON_CANONICAL';
        expect(codeOf(() => unpackCanonical(int(n, w))), `${n} as ${w}`).toBe(expected);
      }
    }), { numRuns: RUNS });
  });

  it('a transaction nonce in a wider integer form is DECODE_NON_CANONICAL', () => {
    fc.assert(fc.property(arbTxEnvelope, fc.nat(), (tx, pick) => {
      const wider = widthsFor(tx.nonce).filter((w) => w !== canonicalWidth(tx.nonce));
      const w = wider[pick % wider.length];
      if (w === undefined) throw new Error(`no wider width for ${tx.nonce}`);
      expect(codeOf(() => decodeTxEnvelope(craftTx(tx, int(tx.nonce, w))))).toBe('DECODE_NON_CANONICAL');
    }), { numRuns: RUNS });
  });

  it('floats are DECODE_NON_CANONICAL, integral or not, 32 or 64 bits, anywhere', () => {
    fc.assert(fc.property(arbTxEnvelope, arbUint, fc.double({ noNaN: false }), fc.boolean(), (tx, n, x, wide) => {
      const asFloat = wide ? f64 : f32;
      expect(codeOf(() => decodeTxEnvelope(craftTx(tx, asFloat(n)))), 'integral nonce').toBe('DECODE_NON_CANONICAL');
      expect(codeOf(() => decodeTxEnvelope(craftTx(tx, int(0, 'fixint'), map([['a', asFloat(x)]])))), 'payload float').toBe('DECODE_NON_CANONICAL');
      expect(codeOf(() => unpackCanonical(arr(asFloat(x)))), 'nested float').toBe('DECODE_NON_CANONICAL');
    }), { numRuns: RUNS });
  });

  const arbKeys = fc.uniqueArray(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,6}$/), { minLength: 2, maxLength: 6 });

  it('payload map keys out of ascending order are DECODE_NON_CANONICAL', () => {
    const arbUnsorted = arbKeys.chain((keys) => fc.shuffledSubarray(keys, { minLength: keys.length }))
      .filter((ks) => ks.some((k, i) => i > 0 && (ks[i - 1] as string) > k));
    fc.assert(fc.property(arbTxEnvelope, arbUnsorted, (tx, keys) => {
      const payload = map(keys.map((k, i) => [k, int(i, 'fixint')] as const));
      expect(codeOf(() => decodeTxEnvelope(craftTx(tx, int(0, 'fixint'), payload)))).toBe('DECODE_NON_CANONICAL');
      const sorted = map([...keys].sort().map((k, i) => [k, int(i, 'fixint')] as const));
      expect(codeOf(() => decodeTxEnvelope(craftTx(tx, int(0, 'fixint'), sorted))), 'sorted control').toBe('ACCEPTED');
    }), { numRuns: RUNS });
  });

  it('duplicate map keys are DECODE_NON_CANONICAL, whatever the values', () => {
    fc.assert(fc.property(arbTxEnvelope, arbKeys, fc.nat(), fc.boolean(), (tx, keys, pick, sameValue) => {
      const sorted = [...keys].sort();
      const dup = sorted[pick % sorted.length] as string;
      const entries = sorted.flatMap((k): (readonly [string, Uint8Array])[] => (k === dup ? [[k, NIL], [k, sameValue ? NIL : int(1, 'fixint')]] : [[k, NIL]]));
      expect(codeOf(() => decodeTxEnvelope(craftTx(tx, int(0, 'fixint'), map(entries))))).toBe('DECODE_NON_CANONICAL');
    }), { numRuns: RUNS });
  });
});

describe('canonical form (examples)', () => {
  it('non-minimal string, binary, array and map headers are DECODE_NON_CANONICAL', () => {
    for (const hex of ['d90161', 'da000161', 'c50001ff', 'dc000101', 'de0001a16101']) {
      expect(codeOf(() => unpackCanonical(Buffer.from(hex, 'hex'))), hex).toBe('DECODE_NON_CANONICAL');
    }
    expect(codeOf(() => unpackCanonical(Buffer.from('c401ff', 'hex')))).toBe('ACCEPTED');
  });

  it('extension types, the reserved byte and invalid UTF-8 are DECODE_NON_CANONICAL', () => {
    for (const hex of ['d6ff00000001', 'c1', 'a2c0af', 'a3eda080', 'a1ff']) {
      expect(codeOf(() => unpackCanonical(Buffer.from(hex, 'hex'))), hex).toBe('DECODE_NON_CANONICAL');
    }
  });

  it('non-string map keys are refused', () => {
    expect(codeOf(() => unpackCanonical(Buffer.from('810102', 'hex')))).toBe('DECODE_NON_CANONICAL');
    expect(codeOf(() => unpackCanonical(Buffer.from('81910102', 'hex')))).toBe('DECODE_MALFORMED');
  });

  it('empty, truncated, trailing and deeply nested inputs are DECODE_MALFORMED', () => {
    expect(codeOf(() => unpackCanonical(new Uint8Array(0)))).toBe('DECODE_MALFORMED');
    expect(codeOf(() => unpackCanonical(Buffer.from('92c0', 'hex')))).toBe('DECODE_MALFORMED');
    expect(codeOf(() => unpackCanonical(Buffer.from('c0c0', 'hex')))).toBe('DECODE_MALFORMED');
    expect(codeOf(() => unpackCanonical(Buffer.from('91'.repeat(40) + 'c0', 'hex')))).toBe('DECODE_MALFORMED');
    expect(codeOf(() => unpackCanonical(Buffer.from('91'.repeat(200_000) + 'c0', 'hex')))).toBe('DECODE_MALFORMED');
  });

  it('length headers claiming more than the input holds are DECODE_MALFORMED without allocating them', () => {
    for (const hex of ['ddffffffff', 'dfffffffff', 'dbffffffff61', 'c6ffffffff00']) {
      expect(codeOf(() => unpackCanonical(Buffer.from(hex, 'hex'))), hex).toBe('DECODE_MALFORMED');
    }
  });

  it('large integers are int64, never float64, and unsafe ones are refused', () => {
    expect(Buffer.from(pack(2 ** 40)).toString('hex')).toBe('d30000010000000000');
    expect(Buffer.from(pack(-(2 ** 40))).toString('hex')).toBe('d3ffffff0000000000');
    expect(codeOf(() => unpackCanonical(int(2 ** 40, 'u64')))).toBe('DECODE_NON_CANONICAL');
    expect(codeOf(() => unpackCanonical(f64(2 ** 40)))).toBe('DECODE_NON_CANONICAL');
    const unsafe = Buffer.from('d30020000000000001', 'hex'); // 2^53 + 1
    expect(codeOf(() => unpackCanonical(unsafe))).toBe('DECODE_NON_CANONICAL');
    expect(codeOf(() => unpackCanonical(f64(2 ** 53)))).toBe('DECODE_NON_CANONICAL');
  });
});

describe('size limits', () => {
  it('inputs over the limit are DECODE_TOO_LARGE before any parsing', () => {
    expect(codeOf(() => decodeTxEnvelope(new Uint8Array(MAX_TX_BYTES + 1)))).toBe('DECODE_TOO_LARGE');
    expect(codeOf(() => decodeHeader(new Uint8Array(MAX_DECODE_BYTES + 1)))).toBe('DECODE_TOO_LARGE');
    expect(codeOf(() => decodeBlock(new Uint8Array(BLOCK_LIMITS.maxBytes + 1)))).toBe('DECODE_TOO_LARGE');
  });

  it('a well-formed transaction over MAX_TX_BYTES is DECODE_TOO_LARGE', () => {
    const tx = fc.sample(arbTxEnvelope, { seed: 1, numRuns: 1 })[0] as TxEnvelope;
    const payload = map(['a', 'b', 'c', 'd', 'e'].map((k) => [k, str('x'.repeat(4000))] as const));
    const bytes = craftTx(tx, int(0, 'fixint'), payload);
    expect(bytes.length).toBeGreaterThan(MAX_TX_BYTES);
    expect(codeOf(() => decodeTxEnvelope(bytes))).toBe('DECODE_TOO_LARGE');
  });
});
