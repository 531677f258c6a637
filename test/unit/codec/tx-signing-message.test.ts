import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DOMAIN_TX_V1, signingBytes } from '../../../src/codec/domains.js';
import { decodeTxEnvelope, encodeTxBody, encodeTxEnvelope, txSigningMessage } from '../../../src/codec/tx.js';
import { sha256 } from '../../../src/crypto/hash.js';
import { prepareEncodedTx, prepareTx, txHash } from '../../../src/crypto/tx.js';
import { toHex } from '../../../src/util/bytes.js';
import { arbTxEnvelope } from './codec-arbitraries.js';

// txSigningMessage slices the body out of the envelope instead of encoding it again. That is
// only sound if the slice IS encodeTxBody's output, byte for byte, for every transaction.

describe('txSigningMessage', () => {
  it('equals signingBytes(DOMAIN_TX_V1, chainId, encodeTxBody(tx)) for every envelope', () => {
    fc.assert(fc.property(arbTxEnvelope, (tx) => {
      const { message, bodyOffset } = txSigningMessage(encodeTxEnvelope(tx), tx.chainId);
      expect(toHex(message)).toBe(toHex(signingBytes(DOMAIN_TX_V1, tx.chainId, encodeTxBody(tx))));
      expect(toHex(message.subarray(bodyOffset))).toBe(toHex(encodeTxBody(tx)));
    }), { numRuns: 3_000 });
  });

  it('leaves the envelope bytes untouched', () => {
    fc.assert(fc.property(arbTxEnvelope, (tx) => {
      const bytes = encodeTxEnvelope(tx);
      const before = toHex(bytes);
      txSigningMessage(bytes, tx.chainId);
      expect(toHex(bytes)).toBe(before);
    }), { numRuns: 200 });
  });

  it('refuses bytes that are not a canonical envelope (a caller bug, not peer input)', () => {
    expect(() => txSigningMessage(encodeTxBody({ chainId: 'c', type: 'a.b', signer: new Uint8Array(32), nonce: 0, payload: {} }), 'c')).toThrow(/invariant/);
    expect(() => txSigningMessage(new Uint8Array(10), 'c')).toThrow(/invariant/);
  });
});

describe('prepareTx / prepareEncodedTx', () => {
  it('agree with each other and with encodeTxEnvelope, txHash and signingBytes', () => {
    fc.assert(fc.property(arbTxEnvelope, (tx) => {
      const bytes = encodeTxEnvelope(tx);
      const a = prepareTx(tx);
      const b = prepareEncodedTx(bytes);
      for (const p of [a, b]) {
        expect(toHex(p.bytes)).toBe(toHex(bytes));
        expect(toHex(p.hash)).toBe(toHex(txHash(tx)));
        expect(toHex(p.hash)).toBe(toHex(sha256(encodeTxBody(tx))));
        expect(toHex(p.message)).toBe(toHex(signingBytes(DOMAIN_TX_V1, tx.chainId, encodeTxBody(tx))));
      }
      expect(b.tx).toEqual(decodeTxEnvelope(bytes));
      // The received bytes are kept as they are: no copy, no re-encode.
      expect(b.bytes).toBe(bytes);
    }), { numRuns: 1_000 });
  });

  it('prepareEncodedTx refuses what decodeTxEnvelope refuses', () => {
    const tx = fc.sample(arbTxEnvelope, 1)[0];
    if (tx === undefined) throw new Error('no sample');
    const bytes = encodeTxEnvelope(tx);
    const trailing = new Uint8Array(bytes.length + 1);
    trailing.set(bytes);
    expect(() => prepareEncodedTx(trailing)).toThrow(expect.objectContaining({ code: 'DECODE_MALFORMED' }));
    expect(() => prepareEncodedTx(bytes.subarray(0, bytes.length - 1))).toThrow(expect.objectContaining({ code: 'DECODE_MALFORMED' }));
  });
});
