import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pack, receiptTuple } from '../../../src/codec/index.js';
import { stateKey, STATE_KEY_PREFIX_BYTES, TX_LOCATION_KEY_BYTES, txLocationKey, writeStateKey, writeTxLocationKey } from '../../../src/storage/prefixes.js';
import {
  decodeBlockReceipts, decodeTxLocation, encodeBlockReceipts, encodeTxLocation, PackedBytes, TX_LOCATION_BYTES, writeTxLocation,
} from '../../../src/storage/stored-values.js';
import type { TxReceipt } from '../../../src/types/tx.js';
import { toHex } from '../../../src/util/bytes.js';

// The block commit writes its small entries into one buffer and builds the receipts value from
// per-receipt encodings. The bytes on disk must be exactly those of the plain encoders.

const receiptArb: fc.Arbitrary<TxReceipt> = fc.record({
  hash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  ok: fc.boolean(),
  code: fc.option(fc.constantFrom('INVOICE_EXISTS', 'ASSET_PLEDGED'), { nil: null }),
  detail: fc.option(fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/), fc.oneof(fc.string({ maxLength: 12 }), fc.integer())), { nil: null }),
});

describe('stored values written in place equal their encoders', () => {
  it('encodeBlockReceipts equals pack of the receipt tuples, for every array header size, and decodes back', () => {
    const sizes = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constantFrom(15, 16, 1000));
    fc.assert(fc.property(sizes, receiptArb, fc.array(receiptArb, { maxLength: 8 }), (n, r, mix) => {
      const receipts = Array.from({ length: n }, (_, i) => mix[i % Math.max(1, mix.length)] ?? r);
      const bytes = encodeBlockReceipts(receipts);
      expect(toHex(bytes)).toBe(toHex(pack(receipts.map(receiptTuple))));
      expect(decodeBlockReceipts(bytes).length).toBe(n);
    }), { numRuns: 300 });
    const big = Array.from({ length: 0x1_0000 }, (_, i): TxReceipt => ({ hash: new Uint8Array(32).fill(i & 0xff), ok: true, code: null, detail: null }));
    expect(toHex(encodeBlockReceipts(big))).toBe(toHex(pack(big.map(receiptTuple))));
  });

  it('tx location keys and values and state keys written into a shared buffer', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 0xffff_ffff }), fc.uint8Array({ maxLength: 80 }), (hash, height, index, raw) => {
      const out = new PackedBytes(3 + TX_LOCATION_KEY_BYTES + TX_LOCATION_BYTES + STATE_KEY_PREFIX_BYTES + raw.length);
      out.reserve(3);
      const k = out.reserve(TX_LOCATION_KEY_BYTES);
      writeTxLocationKey(out.bytes, k, hash);
      const v = out.reserve(TX_LOCATION_BYTES);
      writeTxLocation(out.bytes, v, height, index);
      const s = out.reserve(STATE_KEY_PREFIX_BYTES + raw.length);
      writeStateKey(out.bytes, s, raw);
      expect(toHex(out.view(k, TX_LOCATION_KEY_BYTES))).toBe(toHex(txLocationKey(hash)));
      expect(toHex(out.view(v, TX_LOCATION_BYTES))).toBe(toHex(encodeTxLocation({ height, index })));
      expect(decodeTxLocation(out.view(v, TX_LOCATION_BYTES))).toEqual({ height, index });
      expect(toHex(out.view(s, STATE_KEY_PREFIX_BYTES + raw.length))).toBe(toHex(stateKey(raw)));
    }), { numRuns: 1000 });
  });
});
