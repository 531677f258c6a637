import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DOMAIN_TX_V1, signingBytes } from '../../../src/codec/domains.js';
import { decodeTxEnvelope, encodeTxBody, encodeTxEnvelope, normaliseTxEnvelope } from '../../../src/codec/tx.js';
import { signingKeyFromSeed, verifySignature } from '../../../src/crypto/ed25519.js';
import { sha256 } from '../../../src/crypto/hash.js';
import { signTx } from '../../../src/crypto/tx.js';
import { payloadProblem, TX_TYPES } from '../../../src/state/contracts/registry.js';
import { fromHex, toHex } from '../../../src/util/bytes.js';

// The transaction test vectors of docs/transactions.md (test/fixtures/vectors, written by
// scripts/generate-tx-vectors.ts), checked two ways: against this codebase's codec, field by
// field from the seed and the envelope, and against a second implementation written in Python
// from the document alone (examples/python), which must reproduce every byte.

const DIR = fileURLToPath(new URL('../../fixtures/vectors/', import.meta.url));
const PYTHON = '/usr/bin/python3';

interface Vector {
  readonly type: string;
  readonly seed: string;
  readonly publicKey: string;
  readonly envelope: { chainId: string; type: string; signer: string; nonce: number; payload: unknown; signature: string };
  readonly bodyHex: string;
  readonly signingMessageHex: string;
  readonly hash: string;
  readonly signature: string;
  readonly envelopeHex: string;
}

function bytes(hex: string): Uint8Array {
  const b = fromHex(hex);
  if (b === null) throw new Error(`not hex: ${hex}`);
  return b;
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const vectors = files.map((f) => JSON.parse(readFileSync(`${DIR}${f}`, 'utf8')) as Vector);

describe('transaction test vectors', () => {
  it('there is exactly one vector per transaction type, named after it', () => {
    expect(files).toEqual([...TX_TYPES].sort().map((t) => `${t}.json`));
    for (const [i, v] of vectors.entries()) expect(`${v.type}.json`).toBe(files[i]);
  });

  it.each(vectors.map((v) => [v.type, v] as const))('%s: fields, bytes, hash and signature agree with the codec', (_type, v) => {
    const key = signingKeyFromSeed(bytes(v.seed));
    expect(toHex(key.publicKey)).toBe(v.publicKey);
    expect(v.envelope.signer).toBe(v.publicKey);
    expect(v.envelope.signature).toBe(v.signature);
    const tx = normaliseTxEnvelope({ ...v.envelope, signer: bytes(v.envelope.signer), signature: bytes(v.envelope.signature) });
    expect(payloadProblem(tx.type, tx.payload), 'a vector is an admissible transaction').toBeNull();
    const body = encodeTxBody(tx);
    expect(toHex(body)).toBe(v.bodyHex);
    const message = signingBytes(DOMAIN_TX_V1, tx.chainId, body);
    expect(toHex(message)).toBe(v.signingMessageHex);
    expect(toHex(sha256(body))).toBe(v.hash);
    expect(verifySignature(key.publicKey, message, bytes(v.signature))).toBe(true);
    // ed25519 signatures are deterministic (RFC 8032): signing again gives the same bytes.
    expect(toHex(signTx(key, { chainId: tx.chainId, type: tx.type, nonce: tx.nonce, payload: tx.payload }).signature)).toBe(v.signature);
    expect(toHex(encodeTxEnvelope(tx))).toBe(v.envelopeHex);
    expect(decodeTxEnvelope(bytes(v.envelopeHex))).toEqual(tx);
  });

  it('the Python implementation (examples/python, Debian python3-msgpack and python3-cryptography) reproduces every vector', () => {
    const r = spawnSync(PYTHON, ['examples/python/check_vectors.py', DIR], { encoding: 'utf8', timeout: 60_000 });
    expect(r.error, `cannot run ${PYTHON}`).toBeUndefined();
    expect(r.status, `python3 failed (apt-get install -y python3-msgpack python3-cryptography):\n${r.stderr}`).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop() ?? 'null')).toEqual({ ok: true, vectors: TX_TYPES.length });
  });
});
