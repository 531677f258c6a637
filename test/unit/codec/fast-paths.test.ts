import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeReceipt, pack, receiptTuple } from '../../../src/codec/index.js';
import type { TxReceipt } from '../../../src/types/tx.js';
import { toHex } from '../../../src/util/bytes.js';

// Hand-written encoders must give exactly the bytes of the generic canonical encoder (pack):
// these bytes are hashed into block roots.

describe('codec fast paths equal the generic encoder', () => {
  it('encodeReceipt, successes and failures, Buffer or Uint8Array hashes', () => {
    const detail = fc.option(fc.dictionary(fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,8}$/), fc.oneof(fc.string({ maxLength: 20 }), fc.integer())), { nil: null });
    const receipt: fc.Arbitrary<TxReceipt> = fc.record({
      hash: fc.oneof(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b))),
      ok: fc.boolean(),
      code: fc.option(fc.constantFrom('INVOICE_EXISTS', 'ASSET_PLEDGED'), { nil: null }),
      detail,
    });
    fc.assert(fc.property(receipt, (r) => {
      expect(toHex(encodeReceipt(r))).toBe(toHex(pack(receiptTuple(r))));
    }), { numRuns: 3000 });
  });
});
