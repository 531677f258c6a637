import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { signMessage, signingKeyFromSeed, verifySignature, verifySignatureNoble } from '../../../src/crypto/ed25519.js';
import { VerifyPool } from '../../../src/node/verify-pool.js';
import { fromHex } from '../../../src/util/bytes.js';
import { NON_CANONICAL_POINTS, RFC8032_VECTORS } from '../crypto/ed25519-vectors.js';

// The pool moves verifications to worker threads; it must answer exactly what verifySignature
// (and so the noble reference path) answers for every input, in the caller's order, batch
// boundaries included.

const warnings: object[] = [];
const log = { warn: (obj: object) => void warnings.push(obj) };
const pools: VerifyPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.stop()));
});

const hex = (h: string): Uint8Array => fromHex(h) ?? new Uint8Array(0);

interface Case { readonly publicKey: Uint8Array; readonly message: Uint8Array; readonly signature: Uint8Array }

function cases(): Case[] {
  const out: Case[] = RFC8032_VECTORS.map((v) => ({ publicKey: hex(v.publicKey), message: hex(v.message), signature: hex(v.signature) }));
  fc.sample(fc.tuple(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 400 }), fc.nat(7)), { numRuns: 300, seed: 42 }).forEach(([seed, message, mutation], i) => {
    const key = signingKeyFromSeed(seed);
    const signature = signMessage(key, message);
    const c = { publicKey: key.publicKey, message, signature };
    if (mutation === 0) out.push({ ...c, signature: Uint8Array.from(signature, (b, j) => (j === i % 64 ? b ^ 1 : b)) });
    else if (mutation === 1) out.push({ ...c, message: Uint8Array.from([...message, 0]) });
    else if (mutation === 2) out.push({ ...c, signature: signature.subarray(0, 63) });
    else if (mutation === 3) out.push({ ...c, publicKey: hex(NON_CANONICAL_POINTS[i % NON_CANONICAL_POINTS.length] as string) });
    else out.push(c);
  });
  return out;
}

describe('VerifyPool', () => {
  it('answers like verifySignature and verifySignatureNoble for valid, mutated, malformed and non-canonical inputs', async () => {
    const pool = new VerifyPool({ threads: 2, maxBatch: 16 }, { log });
    pools.push(pool);
    expect(pool.threads).toBe(2);
    const all = cases();
    const answers = await Promise.all(all.map((c) => pool.verify(c.publicKey, c.message, c.signature)));
    const expected = all.map((c) => verifySignature(c.publicKey, c.message, c.signature));
    expect(answers).toEqual(expected);
    expect(all.map((c) => verifySignatureNoble(c.publicKey, c.message, c.signature))).toEqual(expected);
    expect(expected.filter(Boolean).length, 'both kinds of answer are exercised').toBeGreaterThan(50);
    expect(expected.filter((x) => !x).length, 'both kinds of answer are exercised').toBeGreaterThan(50);
    expect(warnings).toEqual([]);
  });

  it('with no threads, or after stop, still answers correctly (inline)', async () => {
    const c = cases().slice(0, 40);
    const inline = new VerifyPool({ threads: 0 }, { log });
    expect(await Promise.all(c.map((x) => inline.verify(x.publicKey, x.message, x.signature)))).toEqual(c.map((x) => verifySignature(x.publicKey, x.message, x.signature)));
    const pool = new VerifyPool({ threads: 1 }, { log });
    await pool.stop();
    expect(pool.threads).toBe(0);
    expect(await Promise.all(c.map((x) => pool.verify(x.publicKey, x.message, x.signature)))).toEqual(c.map((x) => verifySignature(x.publicKey, x.message, x.signature)));
  });

  it('requests in flight when the pool stops are answered or rejected, never left hanging', async () => {
    const pool = new VerifyPool({ threads: 1 }, { log });
    const c = cases().slice(0, 30);
    const settled = Promise.allSettled(c.map((x) => pool.verify(x.publicKey, x.message, x.signature)));
    await pool.stop();
    const results = await settled;
    results.forEach((r, i) => {
      const x = c[i] as Case;
      if (r.status === 'fulfilled') expect(r.value, `case ${i}`).toBe(verifySignature(x.publicKey, x.message, x.signature));
      else expect(String(r.reason), `case ${i}`).toMatch(/stopped/);
    });
  });
  it('starts its workers in a process run with per-process V8 flags (members run with --max-semi-space-size)', async () => {
    const saved = [...process.execArgv];
    process.execArgv.push('--max-semi-space-size=64', '--cpu-prof');
    try {
      const pool = new VerifyPool({ threads: 1 }, { log });
      pools.push(pool);
      const key = signingKeyFromSeed(new Uint8Array(32).fill(3));
      const message = new Uint8Array([1, 2, 3]);
      expect(await pool.verify(key.publicKey, message, signMessage(key, message))).toBe(true);
      expect(warnings).toEqual([]);
    } finally {
      process.execArgv.splice(0, process.execArgv.length, ...saved);
    }
  });
});
