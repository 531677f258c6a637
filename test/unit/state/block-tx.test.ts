import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pack } from '../../../src/codec/msgpack.js';
import { decodeTxEnvelope, encodeTxEnvelope, TX_TYPE_RE } from '../../../src/codec/tx.js';
import { signingKeyFromSeed } from '../../../src/crypto/ed25519.js';
import { signTx, txHash } from '../../../src/crypto/tx.js';
import { decodeBlockTx } from '../../../src/state/block-tx.js';
import { TX_TYPES } from '../../../src/state/contracts/registry.js';
import { toHex } from '../../../src/util/bytes.js';

const key = signingKeyFromSeed(new Uint8Array(32).fill(7));
const payloadArb = fc.dictionary(fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,10}$/), fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.nat(), { maxLength: 3 })), { maxKeys: 6 });

describe('decodeBlockTx', () => {
  it('the cached fast path and the full path agree on the transaction and its hash', () => {
    fc.assert(fc.property(payloadArb, fc.nat({ max: 2 ** 40 }), (payload, nonce) => {
      const env = signTx(key, { chainId: 'c-1', type: 'invoice.issue', nonce, payload });
      const bytes = encodeTxEnvelope(env);
      const full = decodeBlockTx(bytes, 'c-1');
      const fast = decodeBlockTx(bytes, 'c-1', () => true);
      if (!full.ok || !fast.ok) throw new Error('expected both paths to accept');
      expect(toHex(full.hash)).toBe(toHex(txHash(env)));
      expect(toHex(fast.hash)).toBe(toHex(full.hash));
      expect(fast.tx).toEqual(full.tx);
      expect(full.tx).toEqual(decodeTxEnvelope(bytes));
    }), { numRuns: 1000 });
  });

  it('asks the cache with the exact hash and signature, and verifies when the cache says no', () => {
    const env = signTx(key, { chainId: 'c-1', type: 'asset.release', nonce: 3, payload: { id: 'A' } });
    const forged = encodeTxEnvelope({ ...env, signature: new Uint8Array(64).fill(1) });
    const asked: string[] = [];
    const r = decodeBlockTx(forged, 'c-1', (h, sig) => (asked.push(`${toHex(h)}:${toHex(sig)}`), false));
    expect(r).toMatchObject({ ok: false, code: 'TX_BAD_SIGNATURE' });
    expect(asked[0]).toBe(`${toHex(txHash(env))}:${'01'.repeat(64)}`);
    expect(decodeBlockTx(encodeTxEnvelope(env), 'c-1', () => false).ok).toBe(true);
  });

  it('rejects bad bytes and other chains on both paths without throwing', () => {
    const env = signTx(key, { chainId: 'c-1', type: 'asset.release', nonce: 3, payload: { id: 'A' } });
    const bytes = encodeTxEnvelope(env);
    for (const cache of [undefined, () => true]) {
      expect(decodeBlockTx(bytes, 'c-2', cache)).toMatchObject({ ok: false, code: 'TX_WRONG_CHAIN' });
      expect(decodeBlockTx(pack([1, 2, 3]), 'c-1', cache)).toMatchObject({ ok: false, code: 'TX_UNDECODABLE' });
      expect(decodeBlockTx(bytes.subarray(0, 40), 'c-1', cache)).toMatchObject({ ok: false, code: 'TX_UNDECODABLE' });
      // Right trailer, garbage body: the cache is asked and the shape check still refuses.
      const junk = new Uint8Array(90).fill(0x01);
      junk[0] = 0x96;
      junk[90 - 66] = 0xc4;
      junk[90 - 65] = 0x40;
      expect(decodeBlockTx(junk, 'c-1', cache)).toMatchObject({ ok: false, code: 'TX_UNDECODABLE' });
    }
  });

  it('every registered type passes TX_TYPE_RE (the trusted path skips the regex for them)', () => {
    for (const t of TX_TYPES) expect(TX_TYPE_RE.test(t), t).toBe(true);
  });
});
