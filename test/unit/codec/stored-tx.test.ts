import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pack } from '../../../src/codec/msgpack.js';
import { decodeStoredTxEnvelope, decodeTxEnvelope, encodeTxEnvelope } from '../../../src/codec/tx.js';
import { arbTxEnvelope } from './codec-arbitraries.js';

// decodeStoredTxEnvelope skips the canonical proof for bytes this node already proved; on such
// bytes it must give exactly what decodeTxEnvelope gives, and it must still refuse wrong shapes.

describe('decodeStoredTxEnvelope', () => {
  it('equals decodeTxEnvelope on every canonical envelope', () => {
    fc.assert(fc.property(arbTxEnvelope, (tx) => {
      const bytes = encodeTxEnvelope(tx);
      const stored = decodeStoredTxEnvelope(bytes);
      expect(stored).toEqual(decodeTxEnvelope(bytes));
      expect(Object.keys(stored.payload)).toEqual(Object.keys(decodeTxEnvelope(bytes).payload));
    }), { numRuns: 2_000 });
  });

  it('refuses wrong shapes with DecodeError codes', () => {
    const tx = fc.sample(arbTxEnvelope, 1)[0];
    if (tx === undefined) throw new Error('no sample');
    const tuple = [tx.chainId, tx.type, tx.signer, tx.nonce, tx.payload, tx.signature];
    const code = (v: unknown[]): string => {
      try {
        decodeStoredTxEnvelope(pack(v));
        return 'ACCEPTED';
      } catch (e) {
        return (e as { code: string }).code;
      }
    };
    expect(code(tuple)).toBe('ACCEPTED');
    expect(code(tuple.slice(0, 5))).toBe('DECODE_BAD_FIELD');
    expect(code([...tuple.slice(0, 4), [1], tx.signature])).toBe('DECODE_BAD_FIELD');
    expect(code([...tuple.slice(0, 2), new Uint8Array(31), ...tuple.slice(3)])).toBe('DECODE_BAD_FIELD');
    expect(code(['bad chain id!', ...tuple.slice(1)])).toBe('DECODE_BAD_FIELD');
    expect(() => decodeStoredTxEnvelope(encodeTxEnvelope(tx).subarray(0, 10))).toThrow(expect.objectContaining({ code: 'DECODE_MALFORMED' }));
  });
});
