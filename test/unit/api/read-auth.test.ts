import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildTx, LedgerClient, LedgerClientError } from '../../../src/client/index.js';
import { signMessage } from '../../../src/crypto/ed25519.js';
import { createReadToken, parseReadToken, READ_TOKEN_LIMITS } from '../../../src/crypto/read-token.js';
import { ReadAuth } from '../../../src/api/read-auth.js';
import { ApiError } from '../../../src/api/errors.js';
import { toHex } from '../../../src/util/bytes.js';
import { testKey } from './fake-chain.js';
import { sampleAsset, sampleInvoice } from './fake-node.js';
import { startApi, type RunningApi } from './harness.js';

const reader = testKey(41);
const stranger = testKey(42);
const CHAIN = 'test-chain';
const NOW = 1_800_000_000_000;

// A token whose payload is `claims` signed by `key` (any claims, valid or not).
function forge(key: typeof reader, claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'EdDSA', typ: 'JWT' }): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${Buffer.from(signMessage(key, Buffer.from(input))).toString('base64url')}`;
}

describe('read tokens', () => {
  const sub = toHex(reader.publicKey);
  const iat = NOW / 1000;

  test('a fresh token parses and its signature verifies', () => {
    const p = parseReadToken(createReadToken(reader, CHAIN, NOW), CHAIN, NOW);
    expect(typeof p).toBe('object');
    expect(p).toMatchObject({ claims: { sub, aud: CHAIN, iat, exp: iat + READ_TOKEN_LIMITS.defaultLifetimeS } });
  });

  test.each([
    ['wrong-audience', { sub, aud: 'other-chain', iat, exp: iat + 60 }],
    ['expired', { sub, aud: CHAIN, iat: iat - 400, exp: iat - 100 }],
    ['future', { sub, aud: CHAIN, iat: iat + 120, exp: iat + 180 }],
    ['too-long-lived', { sub, aud: CHAIN, iat, exp: iat + 3600 }],
    ['malformed', { sub: 'zz', aud: CHAIN, iat, exp: iat + 60 }],
    ['malformed', { sub, aud: CHAIN, iat: 'now', exp: iat + 60 }],
  ])('refuses %s claims before any signature check', (fault, claims) => {
    expect(parseReadToken(forge(reader, claims), CHAIN, NOW)).toBe(fault);
  });

  test('refuses other algorithms, truncation and oversize', () => {
    expect(parseReadToken(forge(reader, { sub, aud: CHAIN, iat, exp: iat + 60 }, { alg: 'none' }), CHAIN, NOW)).toBe('wrong-alg');
    const good = createReadToken(reader, CHAIN, NOW);
    expect(parseReadToken(good.slice(0, -10), CHAIN, NOW)).toBe('malformed');
    expect(parseReadToken(good.split('.').slice(0, 2).join('.'), CHAIN, NOW)).toBe('malformed');
    expect(parseReadToken(good + 'A'.repeat(2000), CHAIN, NOW)).toBe('oversize');
  });
});

describe('ReadAuth', () => {
  const accounts = new Map([[toHex(reader.publicKey), { id: 'acct-r', publicKey: toHex(reader.publicKey), role: 'integrator' as const }]]);
  const auth = (): ReadAuth => new ReadAuth({ cacheMax: 3, now: () => NOW }, { chainId: () => CHAIN, reader: (k) => accounts.get(k) ?? null });
  const code = (f: () => unknown): string => {
    try {
      f();
      return 'ok';
    } catch (e) {
      return e instanceof ApiError ? e.code : 'other';
    }
  };

  test('one signature check per token; the account is resolved on every request', () => {
    const a = auth();
    const t = `Bearer ${createReadToken(reader, CHAIN, NOW)}`;
    for (let i = 0; i < 5; i++) expect(a.authenticate(t).id).toBe('acct-r');
    expect(a.stats).toMatchObject({ signatureChecks: 1, cacheHits: 4 });
    accounts.delete(toHex(reader.publicKey));
    expect(code(() => a.authenticate(t))).toBe('UNAUTHORIZED');
    accounts.set(toHex(reader.publicKey), { id: 'acct-r', publicKey: toHex(reader.publicKey), role: 'integrator' });
  });

  test('a stranger, a key claiming another sub, and a missing header are refused; the cache stays bounded', () => {
    const a = auth();
    expect(code(() => a.authenticate(undefined))).toBe('UNAUTHORIZED');
    expect(code(() => a.authenticate(`Bearer ${createReadToken(stranger, CHAIN, NOW)}`))).toBe('UNAUTHORIZED');
    // Signed by the stranger, naming the registered reader: the signature check refuses it.
    expect(code(() => a.authenticate(`Bearer ${forge(stranger, { sub: toHex(reader.publicKey), aud: CHAIN, iat: NOW / 1000, exp: NOW / 1000 + 60 })}`))).toBe('UNAUTHORIZED');
    expect(a.stats.signatureChecks).toBe(1);
    for (let i = 0; i < 10; i++) a.authenticate(`Bearer ${createReadToken(reader, CHAIN, NOW - i * 1000)}`);
    expect(a.cached).toBeLessThanOrEqual(3);
  });
});

describe('read routes over HTTP', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi(undefined, { rateLimit: false });
    api.node.addAccount(reader.publicKey, 'auditor', 'auditor');
    api.node.invoices.set('INV-1', sampleInvoice('INV-1'));
  });
  afterAll(() => api.close());

  test('status is public; reads answer 401 without a token and 200 with one', async () => {
    expect((await fetch(`${api.url}/v1/status`)).status).toBe(200);
    for (const path of ['/v1/invoices/INV-1', '/v1/invoices', '/v1/members', '/v1/genesis', '/v1/blocks/latest', '/v1/events']) {
      const r = await fetch(`${api.url}${path}`);
      expect(r.status, path).toBe(401);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    }
    const client = new LedgerClient({ url: api.url, key: reader });
    expect((await client.getInvoice('INV-1'))?.id).toBe('INV-1');
    const anonymous = new LedgerClient({ url: api.url });
    await expect(anonymous.getInvoice('INV-1')).rejects.toMatchObject({ code: 'UNAUTHORIZED', status: 401 } satisfies Partial<LedgerClientError>);
    const strangerClient = new LedgerClient({ url: api.url, key: stranger });
    await expect(strangerClient.getInvoice('INV-1')).rejects.toMatchObject({ status: 401 });
  });
});

describe('scopes by role over HTTP', () => {
  const a = testKey(43);
  const b = testKey(44);
  const ida = toHex(a.publicKey);
  const idb = toHex(b.publicKey);
  let api: RunningApi;
  let txA: string;
  let txB: string;
  beforeAll(async () => {
    api = await startApi(undefined, { rateLimit: false });
    api.node.addAccount(a.publicKey, 'a');
    api.node.addAccount(b.publicKey, 'b');
    api.node.addAccount(reader.publicKey, 'regulator', 'regulator');
    api.node.invoices.set('INV-A', sampleInvoice('INV-A', { seller: ida, holder: ida, buyer: 'x' }));
    api.node.invoices.set('INV-B', sampleInvoice('INV-B', { seller: idb, holder: idb, buyer: 'x' }));
    api.node.invoices.set('INV-B.1', sampleInvoice('INV-B.1', { seller: idb, holder: 'y', buyer: 'x', parent: 'INV-B' }));
    api.node.invoices.set('INV-A.1', sampleInvoice('INV-A.1', { seller: 'z', holder: 'z', buyer: 'x', parent: 'INV-A' }));
    api.node.invoices.set('INV-A', { ...(api.node.invoices.get('INV-A') as ReturnType<typeof sampleInvoice>), children: ['INV-A.1'] });
    api.node.assets.set('AS-A', sampleAsset('AS-A', { owner: 'w', pledgee: ida }));
    api.node.assets.set('AS-B', sampleAsset('AS-B', { owner: idb }));
    const ca = new LedgerClient({ url: api.url, key: a });
    const cb = new LedgerClient({ url: api.url, key: b });
    txA = (await ca.submit(buildTx(a, CHAIN, 'asset.register', { id: 'R-A', kind: 'k', fingerprint: 'f'.repeat(64), metadata: {} }, 0))).hash;
    txB = (await cb.submit(buildTx(b, CHAIN, 'asset.register', { id: 'R-B', kind: 'k', fingerprint: 'e'.repeat(64), metadata: {} }, 0))).hash;
    api.node.commitPending();
  });
  afterAll(() => api.close());

  test('an integrator reads its own data and its lineage; another party\'s answers 404 like missing data', async () => {
    const ca = new LedgerClient({ url: api.url, key: a });
    expect((await ca.getInvoice('INV-A'))?.id).toBe('INV-A');
    expect((await ca.getInvoice('INV-A.1'))?.id).toBe('INV-A.1'); // split part of its invoice
    expect(await ca.getInvoice('INV-B')).toBeNull();
    expect(await ca.getInvoice('INV-B.1')).toBeNull();
    expect(await ca.invoiceHistory('INV-B')).toBeNull();
    expect((await ca.getAsset('AS-A'))?.id).toBe('AS-A'); // held in pledge
    expect(await ca.getAsset('AS-B')).toBeNull();
    expect(await ca.assetHistory('AS-B')).toBeNull();
    expect((await ca.listInvoices()).items.map((i) => i.id).sort()).toEqual(['INV-A', 'INV-A.1']);
    expect((await ca.listAssets()).items.map((i) => i.id)).toEqual(['AS-A']);
    expect((await ca.getAccount(ida))?.publicKey).toBe(ida);
    expect(await ca.getAccount(idb)).toBeNull();
    expect((await ca.getTx(txA)).status).toBe('committed');
    const other = await fetch(`${api.url}/v1/transactions/${txB}`, { headers: { authorization: `Bearer ${await ca.readToken()}` } });
    const unknown = await fetch(`${api.url}/v1/transactions/${'0'.repeat(64)}`, { headers: { authorization: `Bearer ${await ca.readToken()}` } });
    expect(other.status).toBe(404);
    expect(((await other.json()) as { error: unknown }).error).toEqual(((await unknown.json()) as { error: unknown }).error);
    const block = await ca.latestBlock();
    expect(block?.txs.map((t) => t.hash)).toEqual([txA]);
    expect(block?.receipts.map((r) => r.hash)).toEqual([txA]);
    await expect(ca.stateProof(Buffer.from('inv/INV-B'))).rejects.toMatchObject({ status: 404 });
    await expect(ca.stateProof(Buffer.from('members'))).rejects.toMatchObject({ status: 404 });
  });

  test('a regulator reads everything', async () => {
    const cr = new LedgerClient({ url: api.url, key: reader });
    expect((await cr.getInvoice('INV-B'))?.id).toBe('INV-B');
    expect((await cr.getAsset('AS-B'))?.id).toBe('AS-B');
    expect((await cr.getTx(txB)).status).toBe('committed');
    expect((await cr.latestBlock())?.txs.map((t) => t.hash).sort()).toEqual([txA, txB].sort());
    expect((await cr.stateProof(Buffer.from('members'))).key).toBe(toHex(Buffer.from('members')));
  });

  // Last: it commits more blocks and changes a's role on the way.
  test('the event stream applies the block rules per block: a role change widens or narrows what follows', async () => {
    const ca = new LedgerClient({ url: api.url, key: a });
    const cb = new LedgerClient({ url: api.url, key: b });
    const ac = new AbortController();
    const seen: string[][] = [];
    const next: string[] = [];
    for await (const ev of ca.blockEvents({ fromHeight: 1, signal: ac.signal })) {
      seen.push(ev.txs.map((t) => t.hash));
      if (seen.length === 1) {
        api.node.addAccount(a.publicKey, 'a', 'auditor');
        next.push((await cb.submit(buildTx(b, CHAIN, 'asset.register', { id: 'R-B2', kind: 'k', fingerprint: 'd'.repeat(64), metadata: {} }, 1))).hash);
        api.node.commitPending();
      } else if (seen.length === 2) {
        api.node.addAccount(a.publicKey, 'a', 'integrator');
        next.push((await cb.submit(buildTx(b, CHAIN, 'asset.register', { id: 'R-B3', kind: 'k', fingerprint: 'c'.repeat(64), metadata: {} }, 2))).hash);
        api.node.commitPending();
      } else {
        ac.abort();
      }
    }
    expect(seen).toEqual([[txA], [next[0]], []]);
  });
});
