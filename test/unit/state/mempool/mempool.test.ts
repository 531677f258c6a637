import { describe, expect, it } from 'vitest';
import { generateSigningKey, signTx, type SigningKey } from '../../../../src/crypto/index.js';
import { prepareTx } from '../../../../src/crypto/tx.js';
import { Mempool, VerifiedCache, type SignerInfo, type TxSignatureVerifier } from '../../../../src/state/mempool/index.js';
import type { Role } from '../../../../src/types/index.js';
import { toHex } from '../../../../src/util/bytes.js';

const CHAIN = 'test-chain';

function setup(opts: { maxTxs?: number; maxNonceGap?: number; maxVerifying?: number; verifier?: TxSignatureVerifier } = {}) {
  const accounts = new Map<string, SignerInfo>();
  const keys: Record<string, SigningKey> = {};
  for (const [name, role] of [['alice', 'integrator'], ['bob', 'integrator'], ['aud', 'auditor']] as [string, Role][]) {
    const k = generateSigningKey();
    keys[name] = k;
    accounts.set(toHex(k.publicKey), { accountId: toHex(k.publicKey), role, nextNonce: 0 });
  }
  const lookups: string[] = [];
  const pool = new Mempool(
    { chainId: CHAIN, maxTxs: opts.maxTxs ?? 1000, maxNonceGap: opts.maxNonceGap ?? 100, ...(opts.maxVerifying !== undefined ? { maxVerifying: opts.maxVerifying } : {}) },
    {
      lookupSigner: (pk) => (lookups.push(toHex(pk)), accounts.get(toHex(pk)) ?? null),
      rolesFor: (type) => (type === 'invoice.issue' || type === 'account.rotate' ? ['integrator', 'member'] : undefined),
      payloadProblem: (_type, payload) => (Object.hasOwn(payload, 'bad') ? { field: 'bad', reason: 'unknown field' } : null),
      verifier: opts.verifier ?? null,
    },
  );
  const tx = (who: string, nonce: number, extra: Record<string, string> = {}, chainId = CHAIN) =>
    signTx(keys[who] as SigningKey, { chainId, type: 'invoice.issue', nonce, payload: { id: `inv-${who}-${nonce}`, ...extra } });
  const id = (who: string) => toHex((keys[who] as SigningKey).publicKey);
  return { pool, tx, id, accounts, keys, lookups };
}

/** A verifier the test resolves by hand, recording what it was asked. */
function manualVerifier() {
  const calls: { resolve: (ok: boolean) => void; reject: (e: Error) => void }[] = [];
  const verifier: TxSignatureVerifier = {
    verify: () => new Promise<boolean>((resolve, reject) => void calls.push({ resolve, reject })),
  };
  return { verifier, calls };
}

describe('Mempool admission', () => {
  it('admits a valid transaction once and refuses the duplicate', () => {
    const { pool, tx } = setup();
    const t = tx('alice', 0);
    const a = pool.add(t);
    expect(a.ok).toBe(true);
    expect(pool.size).toBe(1);
    expect(pool.add(t)).toMatchObject({ ok: false, code: 'DUPLICATE_TX' });
    expect(pool.add(tx('alice', 0, { other: 'x' }))).toMatchObject({ ok: false, code: 'DUPLICATE_TX' });
    expect(pool.size).toBe(1);
  });

  it('refuses a payload its contract validator refuses (PAYLOAD_INVALID), before verifying its signature', async () => {
    const { verifier, calls } = manualVerifier();
    const { pool, tx } = setup({ verifier });
    expect(pool.add(tx('alice', 0, { bad: 'x' }))).toMatchObject({ ok: false, code: 'PAYLOAD_INVALID', message: 'payload.bad: unknown field' });
    expect(await pool.addAsync(prepareTx(tx('alice', 0, { bad: 'x' })))).toMatchObject({ ok: false, code: 'PAYLOAD_INVALID' });
    expect(calls, 'no signature verification was spent on it').toHaveLength(0);
    expect(pool.size).toBe(0);
  });

  it('refuses each kind of bad transaction with its code', () => {
    const { pool, tx, keys } = setup({ maxNonceGap: 5 });
    expect(pool.add(tx('alice', 0, {}, 'other-chain'))).toMatchObject({ ok: false, code: 'WRONG_CHAIN_ID' });
    expect(pool.add(tx('aud', 0))).toMatchObject({ ok: false, code: 'ROLE_NOT_ALLOWED' });
    expect(pool.add(tx('alice', 5))).toMatchObject({ ok: false, code: 'NONCE_TOO_HIGH' });
    const stranger = generateSigningKey();
    expect(pool.add(signTx(stranger, { chainId: CHAIN, type: 'invoice.issue', nonce: 0, payload: {} }))).toMatchObject({ ok: false, code: 'UNKNOWN_SIGNER' });
    const unknownType = signTx(keys['alice'] as SigningKey, { chainId: CHAIN, type: 'invoice.nope', nonce: 0, payload: {} });
    expect(pool.add(unknownType)).toMatchObject({ ok: false, code: 'UNKNOWN_TX_TYPE' });
    const good = tx('alice', 0);
    const forged = { ...good, payload: { ...good.payload, id: 'changed' } };
    expect(pool.add(forged)).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(pool.size).toBe(0);
  });

  it('refuses replays of committed nonces', () => {
    const { pool, tx, accounts, id } = setup();
    (accounts as Map<string, SignerInfo>).set(id('alice'), { accountId: id('alice'), role: 'integrator', nextNonce: 3 });
    expect(pool.add(tx('alice', 2))).toMatchObject({ ok: false, code: 'NONCE_TOO_LOW' });
    expect(pool.add(tx('alice', 3)).ok).toBe(true);
  });

  it('applies back-pressure when full', () => {
    const { pool, tx } = setup({ maxTxs: 2 });
    expect(pool.add(tx('alice', 0)).ok).toBe(true);
    expect(pool.add(tx('alice', 1)).ok).toBe(true);
    expect(pool.add(tx('bob', 0))).toMatchObject({ ok: false, code: 'POOL_FULL' });
  });

  it('records verified hashes for the executor', () => {
    const { pool, tx } = setup();
    const a = pool.add(tx('alice', 0));
    if (!a.ok) throw new Error('admission failed');
    const t = pool.get(a.hash);
    if (t === undefined) throw new Error('not pending');
    expect(pool.verified.has(a.hash, t.tx.signature)).toBe(true);
    expect(pool.verified.has(new Uint8Array(32), t.tx.signature)).toBe(false);
    // A known body with another signature is not "verified": a forged signature is re-checked.
    const forged = new Uint8Array(t.tx.signature);
    forged[0] = (forged[0] as number) ^ 1;
    expect(pool.verified.has(a.hash, forged)).toBe(false);
  });
});

describe('VerifiedCache', () => {
  it('answers for the exact (hash, signature) pair across one generation turnover, then forgets', () => {
    const c = new VerifiedCache(4);
    const h = (i: number) => new Uint8Array(32).fill(i);
    const sig = (i: number) => new Uint8Array(64).fill(i);
    c.add(h(1), sig(1));
    c.add(h(2), sig(2));
    expect(c.has(h(1), sig(1))).toBe(true);
    expect(c.has(h(1), sig(2))).toBe(false);
    c.add(h(3), sig(3)); // turns the generation over: 1 and 2 are the previous one
    expect(c.has(h(1), sig(1))).toBe(true);
    c.add(h(4), sig(4));
    c.add(h(5), sig(5)); // and again: 1 and 2 are gone
    expect(c.has(h(1), sig(1))).toBe(false);
    expect(c.has(h(3), sig(3))).toBe(true);
    expect(c.has(h(5), sig(5))).toBe(true);
  });
});

describe('Mempool signer lookups', () => {
  it('looks a signer up once per committed state, and again after removeCommitted', () => {
    const { pool, tx, id, accounts, lookups } = setup();
    expect(pool.add(tx('alice', 0)).ok).toBe(true);
    expect(pool.add(tx('alice', 1)).ok).toBe(true);
    expect(lookups.filter((k) => k === id('alice'))).toHaveLength(1);
    // The committed state moved: alice's nonce 0 and 1 are used, and the pool must see that.
    (accounts as Map<string, SignerInfo>).set(id('alice'), { accountId: id('alice'), role: 'integrator', nextNonce: 2 });
    pool.removeCommitted([], () => 2);
    expect(pool.add(tx('alice', 1))).toMatchObject({ ok: false, code: 'NONCE_TOO_LOW' });
    expect(lookups.filter((k) => k === id('alice'))).toHaveLength(2);
  });

  it('an unknown signer registered by a committed block is admitted after that commit', () => {
    const { pool, accounts } = setup();
    const carol = generateSigningKey();
    const t = signTx(carol, { chainId: CHAIN, type: 'invoice.issue', nonce: 0, payload: { id: 'c' } });
    expect(pool.add(t)).toMatchObject({ ok: false, code: 'UNKNOWN_SIGNER' });
    (accounts as Map<string, SignerInfo>).set(toHex(carol.publicKey), { accountId: toHex(carol.publicKey), role: 'integrator', nextNonce: 0 });
    expect(pool.add(t)).toMatchObject({ ok: false, code: 'UNKNOWN_SIGNER' });
    pool.removeCommitted([], () => 0);
    expect(pool.add(t).ok).toBe(true);
  });
});

describe('Mempool asynchronous admission', () => {
  it('verifies through the verifier and admits on true, refuses BAD_SIGNATURE on false', async () => {
    const { verifier, calls } = manualVerifier();
    const { pool, tx } = setup({ verifier });
    const a = pool.addAsync(prepareTx(tx('alice', 0)));
    const b = pool.addAsync(prepareTx(tx('bob', 0)));
    expect(calls).toHaveLength(2);
    expect(pool.size).toBe(0);
    calls[0]?.resolve(true);
    calls[1]?.resolve(false);
    expect(await a).toMatchObject({ ok: true, poolWasEmpty: true });
    expect(await b).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(pool.size).toBe(1);
  });

  it('runs the cheap checks again after the verification: the pool may have filled meanwhile', async () => {
    const { verifier, calls } = manualVerifier();
    const { pool, tx } = setup({ verifier, maxTxs: 1 });
    const a = pool.addAsync(prepareTx(tx('alice', 0)));
    const b = pool.addAsync(prepareTx(tx('bob', 0)));
    calls[0]?.resolve(true);
    expect((await a).ok).toBe(true);
    calls[1]?.resolve(true);
    expect(await b).toMatchObject({ ok: false, code: 'POOL_FULL' });
  });

  it('refuses an exact copy of a pending transaction without verifying it; a forged copy is still verified', async () => {
    const { verifier, calls } = manualVerifier();
    const { pool, tx } = setup({ verifier });
    const t = tx('alice', 0);
    const first = pool.addAsync(prepareTx(t));
    calls[0]?.resolve(true);
    expect((await first).ok).toBe(true);
    expect(await pool.addAsync(prepareTx(t))).toMatchObject({ ok: false, code: 'DUPLICATE_TX' });
    expect(calls).toHaveLength(1);
    const forged = { ...t, signature: new Uint8Array(64).fill(3) };
    const f = pool.addAsync(prepareTx(forged));
    expect(calls).toHaveLength(2);
    calls[1]?.resolve(false);
    expect(await f).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it('refuses POOL_FULL while too many admissions wait for the verifier, and admits again once they are answered', async () => {
    const { verifier, calls } = manualVerifier();
    const { pool, tx } = setup({ verifier, maxVerifying: 2 });
    const a = pool.addAsync(prepareTx(tx('alice', 0)));
    const b = pool.addAsync(prepareTx(tx('alice', 1)));
    expect(await pool.addAsync(prepareTx(tx('bob', 0)))).toMatchObject({ ok: false, code: 'POOL_FULL' });
    expect(calls).toHaveLength(2);
    calls[0]?.resolve(true);
    calls[1]?.resolve(true);
    expect((await a).ok && (await b).ok).toBe(true);
    const c = pool.addAsync(prepareTx(tx('bob', 0)));
    calls[2]?.resolve(true);
    expect((await c).ok).toBe(true);
  });

  it('a transaction noted as verified (a replayed block carried it) is admitted without verifying again', async () => {
    const { verifier, calls } = manualVerifier();
    const { pool, tx } = setup({ verifier });
    const t = tx('alice', 0);
    const p = prepareTx(t);
    pool.noteVerified([p.bytes], [p.hash]);
    expect(await pool.addAsync(p)).toMatchObject({ ok: true });
    expect(calls).toHaveLength(0);
    // Only that exact signature: a copy with another one is still checked (and refused).
    const forged = prepareTx({ ...tx('alice', 1), signature: new Uint8Array(64).fill(9) });
    pool.noteVerified([prepareTx(tx('alice', 1)).bytes], [forged.hash]);
    const f = pool.addAsync(forged);
    expect(calls).toHaveLength(1);
    calls[0]?.resolve(false);
    expect(await f).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(pool.add({ ...tx('bob', 0), signature: new Uint8Array(64).fill(9) })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it('a failing verifier falls back to verifying on this thread', async () => {
    const { verifier, calls } = manualVerifier();
    const { pool, tx } = setup({ verifier });
    const good = pool.addAsync(prepareTx(tx('alice', 0)));
    const bad = pool.addAsync(prepareTx({ ...tx('bob', 0), signature: new Uint8Array(64).fill(5) }));
    calls[0]?.reject(new Error('worker gone'));
    calls[1]?.reject(new Error('worker gone'));
    expect((await good).ok).toBe(true);
    expect(await bad).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it('without a verifier, addAsync verifies inline with the same answers as add', async () => {
    const { pool, tx } = setup();
    expect(await pool.addAsync(prepareTx(tx('alice', 0)))).toMatchObject({ ok: true, poolWasEmpty: true });
    expect(await pool.addAsync(prepareTx(tx('alice', 1)))).toMatchObject({ ok: true, poolWasEmpty: false });
    expect(await pool.addAsync(prepareTx({ ...tx('bob', 0), signature: new Uint8Array(64) }))).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
  });
});

describe('Mempool selection', () => {
  it('takes consecutive nonces only, round-robin across signers, within limits', () => {
    const { pool, tx, id } = setup();
    for (const n of [0, 1, 3]) expect(pool.add(tx('alice', n)).ok).toBe(true);
    for (const n of [0, 1]) expect(pool.add(tx('bob', n)).ok).toBe(true);
    const picked = pool.select(() => 0, 100, 1 << 20);
    const order = picked.map((t) => `${t.tx.signer === undefined ? '' : toHex(t.tx.signer) === id('alice') ? 'a' : 'b'}${t.tx.nonce}`);
    expect(order).toEqual(['a0', 'b0', 'a1', 'b1']);
    expect(pool.select(() => 0, 3, 1 << 20)).toHaveLength(3);
    const one = picked[0];
    if (one === undefined) throw new Error('nothing picked');
    expect(pool.select(() => 0, 100, one.bytes.length)).toHaveLength(1);
    // A speculative parent state that already includes alice's 0 and 1 makes 3 reachable only after 2.
    expect(pool.select(() => 2, 100, 1 << 20)).toHaveLength(0);
  });

  it('has something selectable only when a signer\'s next nonce is pending, not behind a gap', () => {
    const { pool, tx, id } = setup();
    expect(pool.hasSelectable(() => 0)).toBe(false);
    expect(pool.add(tx('alice', 2)).ok).toBe(true);
    expect(pool.size).toBe(1);
    expect(pool.hasSelectable(() => 0)).toBe(false);
    expect(pool.hasSelectable((acct) => (acct === id('alice') ? 2 : 0))).toBe(true);
    expect(pool.add(tx('bob', 0)).ok).toBe(true);
    expect(pool.hasSelectable(() => 0)).toBe(true);
  });

  it('ends a signer\'s run at a key rotation, so old-key transactions wait for a later block', () => {
    const { pool, keys } = setup();
    const k = keys['alice'] as SigningKey;
    const rotate = signTx(k, { chainId: CHAIN, type: 'account.rotate', nonce: 0, payload: { newPublicKey: '00'.repeat(32) } });
    const after = signTx(k, { chainId: CHAIN, type: 'invoice.issue', nonce: 1, payload: { id: 'x' } });
    expect(pool.add(rotate).ok).toBe(true);
    expect(pool.add(after).ok).toBe(true);
    const picked = pool.select(() => 0, 100, 1 << 20);
    expect(picked.map((t) => t.tx.type)).toEqual(['account.rotate']);
  });

  it('removes committed transactions and every stale nonce below the new next nonce', () => {
    const { pool, tx, id } = setup();
    const hashes = [0, 1, 2].map((n) => {
      const a = pool.add(tx('alice', n));
      if (!a.ok) throw new Error('admission failed');
      return a.hash;
    });
    expect(pool.add(tx('bob', 0)).ok).toBe(true);
    pool.removeCommitted([hashes[0] as Uint8Array], (acct) => (acct === id('alice') ? 2 : 0));
    expect(pool.size).toBe(2);
    expect(pool.has(hashes[1] as Uint8Array)).toBe(false);
    expect(pool.has(hashes[2] as Uint8Array)).toBe(true);
  });
});

describe('Mempool pending nonces', () => {
  it('reports the next nonce past the gap-free pending run', () => {
    const { pool, tx, id } = setup();
    expect(pool.pendingNextNonce(id('alice'), 0)).toBe(0);
    for (const n of [0, 1, 3]) expect(pool.add(tx('alice', n)).ok).toBe(true);
    expect(pool.pendingNextNonce(id('alice'), 0)).toBe(2);
    expect(pool.pendingNextNonce(id('bob'), 5)).toBe(5);
  });
});
