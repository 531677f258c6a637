import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DOMAIN_TX_V1, decodeTxEnvelope, encodeTxBody, encodeTxEnvelope, signingBytes } from '../../../src/codec/index.js';
import { signingKeyFromSeed, verifySignature, verifySignatureNoble } from '../../../src/crypto/ed25519.js';
import { sha256 } from '../../../src/crypto/hash.js';
import { admitSignedTx, signTx, txHash } from '../../../src/crypto/tx.js';
import type { TxEnvelope } from '../../../src/types/tx.js';
import { fromHex, toHex } from '../../../src/util/bytes.js';
import { arbPayload } from '../codec/codec-arbitraries.js';

// A transaction's signature covers every field, bound to the chain by domain and chain id.

const arbBody = fc.record({
  chainId: fc.stringMatching(/^[A-Za-z0-9._:-]{1,20}$/),
  type: fc.stringMatching(/^[a-z]{1,8}\.[a-z]{1,8}$/),
  nonce: fc.maxSafeNat(),
  payload: arbPayload,
}, { noNullPrototype: true });
const arbSeed = fc.uint8Array({ minLength: 32, maxLength: 32 });

type Field = keyof TxEnvelope;
const FIELDS: readonly Field[] = ['chainId', 'type', 'signer', 'nonce', 'payload', 'signature'];

/** A copy of tx with one field changed to a different valid value. */
function change(tx: TxEnvelope, field: Field, salt: number): TxEnvelope {
  switch (field) {
    case 'chainId': return { ...tx, chainId: tx.chainId === 'x' ? 'y' : 'x' };
    case 'type': return { ...tx, type: tx.type === 'a.b' ? 'a.c' : 'a.b' };
    case 'signer': return { ...tx, signer: signingKeyFromSeed(new Uint8Array(32).fill(salt & 0xff)).publicKey };
    case 'nonce': return { ...tx, nonce: tx.nonce === 0 ? 1 : tx.nonce - 1 };
    case 'payload': return { ...tx, payload: { ...tx.payload, zzChanged: salt } };
    case 'signature': {
      const signature = Uint8Array.from(tx.signature);
      signature[salt % 64] = (signature[salt % 64] as number) ^ (1 << (salt % 8));
      return { ...tx, signature };
    }
  }
}

describe('signTx / admitSignedTx', () => {
  it('the signature verifies on both paths over DOMAIN_TX_V1 ‖ chainId ‖ body; admission returns bytes and hash', () => {
    fc.assert(fc.property(arbSeed, arbBody, (seed, body) => {
      const key = signingKeyFromSeed(seed);
      const tx = signTx(key, body);
      const msg = signingBytes(DOMAIN_TX_V1, tx.chainId, encodeTxBody(tx));
      expect(verifySignature(key.publicKey, msg, tx.signature)).toBe(true);
      const admitted = admitSignedTx(tx);
      expect(admitted).not.toBeNull();
      expect(toHex(admitted?.bytes ?? new Uint8Array(0))).toBe(toHex(encodeTxEnvelope(tx)));
      expect(toHex(admitted?.hash ?? new Uint8Array(0))).toBe(toHex(sha256(encodeTxBody(tx))));
      expect(toHex(txHash(tx))).toBe(toHex(sha256(encodeTxBody(tx))));
      expect(admitSignedTx(decodeTxEnvelope(encodeTxEnvelope(tx)))).not.toBeNull();
    }), { numRuns: 300 });
    const key = signingKeyFromSeed(new Uint8Array(32).fill(9));
    const tx = signTx(key, { chainId: 'c', type: 'a.b', nonce: 0, payload: { b: 1 } });
    expect(verifySignatureNoble(key.publicKey, signingBytes(DOMAIN_TX_V1, 'c', encodeTxBody(tx)), tx.signature)).toBe(true);
  });

  it('any change to any field makes admitSignedTx return null', () => {
    fc.assert(fc.property(arbSeed, arbBody, fc.constantFrom(...FIELDS), fc.nat(), (seed, body, field, salt) => {
      const tx = signTx(signingKeyFromSeed(seed), body);
      const changed = change(tx, field, salt);
      expect(admitSignedTx(changed), `changed ${field}`).toBeNull();
    }), { numRuns: 1_000 });
  });

  it('signTx signs the canonical (sorted) payload whatever order the caller used', () => {
    const key = signingKeyFromSeed(new Uint8Array(32).fill(3));
    const a = signTx(key, { chainId: 'c', type: 'a.b', nonce: 1, payload: { b: 1, a: { d: 2, c: 3 } } });
    const b = signTx(key, { chainId: 'c', type: 'a.b', nonce: 1, payload: { a: { c: 3, d: 2 }, b: 1 } });
    expect(toHex(a.signature)).toBe(toHex(b.signature));
    expect(Object.keys(a.payload)).toEqual(['a', 'b']);
  });

  it('the golden tx-envelope vectors carry real signatures that admission accepts', () => {
    const fixture = JSON.parse(readFileSync(new URL('../../fixtures/codec/tx-envelope.json', import.meta.url), 'utf8')) as { vectors: { hex: string }[] };
    expect(fixture.vectors.length).toBeGreaterThan(0);
    for (const v of fixture.vectors) expect(admitSignedTx(decodeTxEnvelope(fromHex(v.hex) ?? new Uint8Array(0)))).not.toBeNull();
  });
});
