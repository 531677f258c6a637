import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BlockJson } from '../../../src/api/schemas/chain.js';
import { StateAnswer } from '../../../src/api/schemas/proofs.js';
import { StatusJson } from '../../../src/api/schemas/status.js';
import { TxAnswer } from '../../../src/api/schemas/transactions.js';
import { buildTx, txHashHex, txToJson } from '../../../src/client/index.js';
import { genesisFromJson } from '../../../src/codec/genesis.js';
import { toHex, utf8 } from '../../../src/util/bytes.js';
import { testKey } from './fake-chain.js';
import { sampleAsset, sampleInvoice } from './fake-node.js';
import { startApi, type RunningApi } from './harness.js';

const supplier = testKey(1);
const buyer = testKey(2);
const stranger = testKey(3);

let api: RunningApi;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any; headers: Headers }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${api.url}${path}`, init);
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // Non-JSON answers (metrics) stay text.
  }
  return { status: res.status, json, headers: res.headers };
}

function expectError(r: { status: number; json: any }, status: number, code: string): void {
  expect(r.status, JSON.stringify(r.json)).toBe(status);
  expect(r.json.error.code).toBe(code);
  expect(typeof r.json.error.message).toBe('string');
}

const post = (body: unknown, headers?: Record<string, string>) => call('POST', '/v1/transactions', body, headers);
const tx = (nonce: number, payload = { id: 'INV-1' }, key = supplier) => buildTx(key, 'test-chain', 'invoice.accept', payload, nonce);

beforeAll(async () => {
  api = await startApi();
  api.node.addAccount(supplier.publicKey, 'supplier');
  api.node.addAccount(buyer.publicKey, 'buyer');
  for (const id of ['INV-1', 'INV-2', 'INV-3']) api.node.invoices.set(id, sampleInvoice(id));
  api.node.invoices.set('INV-4', sampleInvoice('INV-4', { holder: 'financier', status: 'financed', financier: 'financier', advance: '500000' }));
  api.node.assets.set('A-1', sampleAsset('A-1'));
  api.node.assets.set('A-2', sampleAsset('A-2', { owner: 'buyer' }));
  api.node.histories.set('asset/A-1', [{ height: 1, txHash: '00'.repeat(32), type: 'asset.register', signer: toHex(supplier.publicKey), timestampMs: 5, detail: {} }]);
});
afterAll(() => api.close());

describe('before the first block', () => {
  test('latest block and state proofs are 404; status is height 0', async () => {
    expectError(await call('GET', '/v1/blocks/latest'), 404, 'NOT_FOUND');
    expectError(await call('GET', '/v1/proofs/state?key=00'), 404, 'NOT_FOUND');
    expect((await call('GET', '/v1/status')).json.height).toBe(0);
    expect((await call('GET', '/v1/blocks')).json).toEqual({ items: [], nextCursor: null });
  });
});

describe('GET /v1/status', () => {
  test('reports the running build: version and commit from the node', async () => {
    const s = (await call('GET', '/v1/status')).json;
    expect(s).toMatchObject({ version: '9.8.7', commit: 'f00dfeed' });
  });
});

describe('POST /v1/transactions', () => {
  test('202 with the transaction hash, then pending, then committed with proof', async () => {
    const t = tx(0);
    const r = await post(txToJson(t));
    expect(r.status).toBe(202);
    expect(r.json).toEqual({ hash: txHashHex(t) });
    const pending = await call('GET', `/v1/transactions/${r.json.hash}`);
    expect(pending.status).toBe(200);
    expect(pending.json).toMatchObject({ status: 'pending', tx: { ...txToJson(t), hash: r.json.hash } });
    api.node.commitPending();
    const done = await call('GET', `/v1/transactions/${r.json.hash.toUpperCase()}`);
    expect(done.status).toBe(200);
    expect(Value.Check(TxAnswer, done.json)).toBe(true);
    expect(done.json).toMatchObject({ status: 'committed', height: 1, index: 0, receipt: { ok: true, code: null }, certifiedHeight: 1, links: [] });
  });

  test('a contract rejection reads as status rejected with its code', async () => {
    const t = tx(1, { id: 'INV-2' });
    const r = await post(txToJson(t));
    api.node.commitPending(new Map([[r.json.hash, { code: 'INVOICE_ALREADY_FINANCED', detail: { id: 'INV-2' } }]]));
    const got = await call('GET', `/v1/transactions/${r.json.hash}`);
    expect(got.json).toMatchObject({ status: 'rejected', receipt: { ok: false, code: 'INVOICE_ALREADY_FINANCED', detail: { id: 'INV-2' } } });
  });

  test('admission refusals map to their codes', async () => {
    const good = txToJson(tx(2));
    const badSig = { ...good, signature: (good.signature.startsWith('00') ? '11' : '00') + good.signature.slice(2) };
    expectError(await post(badSig), 400, 'BAD_SIGNATURE');
    expectError(await post(txToJson(buildTx(supplier, 'other-chain', 'invoice.accept', { id: 'X' }, 2))), 400, 'WRONG_CHAIN_ID');
    expectError(await post(txToJson(tx(0, { id: 'X' }, stranger))), 400, 'UNKNOWN_SIGNER');
    expectError(await post(txToJson(tx(0, { id: 'INV-3' }))), 400, 'NONCE_TOO_LOW');
    expectError(await post(txToJson(tx(9))), 400, 'NONCE_TOO_HIGH');
    api.node.maxPool = 0;
    expectError(await post(good), 429, 'POOL_FULL');
    api.node.maxPool = 10_000;
    api.node.ready = false;
    expectError(await post(good), 503, 'NODE_NOT_READY');
    api.node.ready = true;
  });

  test('malformed bodies are 400 with the validation or decode code', async () => {
    const good = txToJson(tx(2));
    const { signature: _s, ...noSig } = good;
    expectError(await post(noSig), 400, 'VALIDATION_FAILED');
    expectError(await post({ ...good, extra: 1 }), 400, 'VALIDATION_FAILED');
    expectError(await post({ ...good, signer: 'zz'.repeat(32) }), 400, 'VALIDATION_FAILED');
    expectError(await post({ ...good, nonce: 1.5 }), 400, 'VALIDATION_FAILED');
    expectError(await post({ ...good, nonce: -1 }), 400, 'VALIDATION_FAILED');
    expectError(await post({ ...good, payload: [] }), 400, 'VALIDATION_FAILED');
    expectError(await post([good]), 400, 'VALIDATION_FAILED');
    expectError(await post({ ...good, payload: { amount: 1.5 } }), 400, 'DECODE_BAD_FIELD');
    expectError(await post({ ...good, payload: { amount: 2 ** 60 } }), 400, 'DECODE_BAD_FIELD');
    expectError(await post({ ...good, type: 'Invoice Accept' }), 400, 'DECODE_BAD_FIELD');
    expectError(await post({ ...good, chainId: 'bad chain' }), 400, 'DECODE_BAD_FIELD');
  });

  test('bad JSON 400, wrong media type 415, huge body 413', async () => {
    expectError(await post('{"chainId": '), 400, 'INVALID_JSON');
    expectError(await post('{"__proto__": {"x": 1}}'), 400, 'INVALID_JSON');
    expectError(await post('', { 'content-type': 'application/json' }), 400, 'INVALID_JSON');
    expectError(await post('hello', { 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(await post(JSON.stringify({ pad: 'x'.repeat(70 * 1024) })), 413, 'BODY_TOO_LARGE');
  });

  test('a failure inside the node is a generic 500 that leaks nothing', async () => {
    api.node.failNext = new Error('secret internal detail /var/lib/ledger');
    const r = await post(txToJson(tx(2)));
    expectError(r, 500, 'INTERNAL_ERROR');
    expect(JSON.stringify(r.json)).not.toContain('secret');
  });
});

describe('GET /v1/transactions/:hash', () => {
  test('unknown hash is 404 with status unknown; malformed hash is 400', async () => {
    const h = 'ab'.repeat(32);
    const r = await call('GET', `/v1/transactions/${h}`);
    expectError(r, 404, 'TX_UNKNOWN');
    expect(r.json).toMatchObject({ hash: h, status: 'unknown' });
    expectError(await call('GET', '/v1/transactions/abc'), 400, 'VALIDATION_FAILED');
    expectError(await call('GET', `/v1/transactions/${'g'.repeat(64)}`), 400, 'VALIDATION_FAILED');
  });
});

describe('blocks', () => {
  test('by height, latest and pages with cursors', async () => {
    const one = await call('GET', '/v1/blocks/1');
    expect(one.status).toBe(200);
    expect(Value.Check(BlockJson, one.json)).toBe(true);
    expect(one.json.txs[0]).toEqual({ ...txToJson(tx(0)), hash: txHashHex(tx(0)) });
    const latest = await call('GET', '/v1/blocks/latest');
    expect(latest.json.header.height).toBe(2);
    const page1 = await call('GET', '/v1/blocks?from=1&limit=1');
    expect(page1.json.items.map((b: any) => b.header.height)).toEqual([1]);
    expect(typeof page1.json.nextCursor).toBe('string');
    // The cursor wins over from: a client repeats its query with the cursor added.
    const page2 = await call('GET', `/v1/blocks?from=1&limit=1&cursor=${page1.json.nextCursor}`);
    expect(page2.json.items.map((b: any) => b.header.height)).toEqual([2]);
    expect(page2.json.nextCursor).toBeNull();
    expect((await call('GET', '/v1/blocks?from=2&limit=5')).json.items.map((b: any) => b.header.height)).toEqual([2]);
    // Default limit 50 covers both blocks; past the head is an empty last page.
    expect((await call('GET', '/v1/blocks')).json.items).toHaveLength(2);
    expect((await call('GET', '/v1/blocks?from=50')).json).toEqual({ items: [], nextCursor: null });
  });

  test('unknown height 404; malformed 400', async () => {
    expectError(await call('GET', '/v1/blocks/99'), 404, 'NOT_FOUND');
    // Lax coercion would read these as block 1, 16 or 1000; they are malformed.
    for (const p of ['/v1/blocks/1.5', '/v1/blocks/0x10', '/v1/blocks/1e3', '/v1/blocks/%201', '/v1/blocks/01', '/v1/blocks?limit=true', '/v1/blocks?limit=1&limit=2']) {
      expectError(await call('GET', p), 400, 'VALIDATION_FAILED');
    }
    for (const p of ['/v1/blocks/0', '/v1/blocks/abc', '/v1/blocks/-1', '/v1/blocks?limit=0', '/v1/blocks?limit=101', '/v1/blocks?from=x', '/v1/blocks?bogus=1']) {
      expectError(await call('GET', p), 400, 'VALIDATION_FAILED');
    }
  });
});

describe('invoices and assets', () => {
  test('by id, filtered lists with cursors, history', async () => {
    expect((await call('GET', '/v1/invoices/INV-1')).json).toEqual(sampleInvoice('INV-1'));
    const byHolder = await call('GET', '/v1/invoices?holder=supplier&limit=2');
    expect(byHolder.json.items.map((i: any) => i.id)).toEqual(['INV-1', 'INV-2']);
    const rest = await call('GET', `/v1/invoices?holder=supplier&limit=2&cursor=${byHolder.json.nextCursor}`);
    expect(rest.json).toMatchObject({ items: [{ id: 'INV-3' }], nextCursor: null });
    expect((await call('GET', '/v1/invoices?status=financed')).json.items.map((i: any) => i.id)).toEqual(['INV-4']);
    expect((await call('GET', '/v1/invoices/INV-1/history')).json).toEqual({ id: 'INV-1', items: [], nextCursor: null });
    expect((await call('GET', '/v1/assets/A-1')).json).toEqual(sampleAsset('A-1'));
    expect((await call('GET', '/v1/assets?owner=buyer')).json.items.map((a: any) => a.id)).toEqual(['A-2']);
    expect((await call('GET', '/v1/assets/A-1/history')).json.items).toHaveLength(1);
  });

  test('every list pages alike: limit, then nextCursor until null, no item twice or missed', async () => {
    const walk = async (path: string): Promise<string[]> => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const sep = path.includes('?') ? '&' : '?';
        const r = await call('GET', `${path}${sep}limit=1${cursor === null ? '' : `&cursor=${cursor}`}`);
        expect(r.status, JSON.stringify(r.json)).toBe(200);
        expect(r.json.items.length).toBeLessThanOrEqual(1);
        seen.push(...r.json.items.map((x: any) => x.id ?? x.hash ?? x.txHash));
        cursor = r.json.nextCursor;
      } while (cursor !== null);
      return seen;
    };
    expect(await walk('/v1/invoices')).toEqual(['INV-1', 'INV-2', 'INV-3', 'INV-4']);
    expect(await walk('/v1/invoices?holder=supplier')).toEqual(['INV-1', 'INV-2', 'INV-3']);
    expect(await walk('/v1/assets')).toEqual(['A-1', 'A-2']);
    expect(await walk('/v1/blocks')).toHaveLength(2);
    api.node.histories.set('invoice/INV-2', [1, 2, 3].map((height) => ({ height, txHash: String(height).repeat(64), type: 'invoice.issue', signer: 's', timestampMs: height, detail: {} })));
    expect(await walk('/v1/invoices/INV-2/history')).toEqual(['1', '2', '3'].map((h) => h.repeat(64)));
  });

  test('a malformed or foreign cursor is 400 INVALID_CURSOR on every list', async () => {
    const invoices = (await call('GET', '/v1/invoices?limit=1')).json.nextCursor as string;
    const blocks = (await call('GET', '/v1/blocks?limit=1')).json.nextCursor as string;
    const lists = ['/v1/blocks', '/v1/invoices', '/v1/invoices?holder=supplier', '/v1/assets', '/v1/invoices/INV-1/history', '/v1/assets/A-1/history'];
    const bad = ['x', 'i.', 'i.***', 'zz.AAAA', 'b.AAA', 'h.AAAAAAAAAAE', `i.${Buffer.from('NOPE').toString('base64url')}`];
    for (const list of lists) {
      const sep = list.includes('?') ? '&' : '?';
      const foreign = list.startsWith('/v1/blocks') ? invoices : blocks;
      for (const c of [...bad, foreign]) expectError(await call('GET', `${list}${sep}cursor=${encodeURIComponent(c)}`), 400, 'INVALID_CURSOR');
    }
    // A history cursor past the end was never served.
    expectError(await call('GET', `/v1/assets/A-1/history?cursor=h.${Buffer.from([0, 0, 0, 0, 0, 0, 0, 9]).toString('base64url')}`), 400, 'INVALID_CURSOR');
    expectError(await call('GET', `/v1/invoices?cursor=${'i.'.padEnd(1200, 'A')}`), 400, 'VALIDATION_FAILED');
  });

  test('unknown ids 404; malformed ids and filters 400', async () => {
    for (const p of ['/v1/invoices/NOPE', '/v1/invoices/NOPE/history', '/v1/assets/NOPE', '/v1/assets/NOPE/history']) {
      expectError(await call('GET', p), 404, 'NOT_FOUND');
    }
    for (const p of [
      '/v1/invoices/bad!id', `/v1/invoices/${'x'.repeat(129)}`, '/v1/invoices?status=lost', '/v1/invoices?limit=1000', '/v1/invoices?limit=101',
      '/v1/invoices?holder=', '/v1/invoices?seller=x', '/v1/assets/%20', '/v1/assets?owner=a%2Fb', '/v1/assets?limit=0',
      '/v1/assets/A-1/history?limit=101', '/v1/invoices/INV-1/history?holder=x',
    ]) {
      expectError(await call('GET', p), 400, 'VALIDATION_FAILED');
    }
  });
});

describe('accounts, members, status, metrics', () => {
  test('account by key (any case) or id, with nextNonce; unknown 404; malformed 400', async () => {
    const key = toHex(supplier.publicKey);
    const a = await call('GET', `/v1/accounts/${key.toUpperCase()}`);
    expect(a.json).toEqual({ publicKey: key, name: 'supplier', role: 'integrator', nextNonce: 2 });
    expect((await call('GET', '/v1/accounts/buyer')).json.nextNonce).toBe(0);
    expectError(await call('GET', `/v1/accounts/${toHex(stranger.publicKey)}`), 404, 'NOT_FOUND');
    expectError(await call('GET', '/v1/accounts/not%20a%20key'), 400, 'VALIDATION_FAILED');
  });

  test('members, status and metrics', async () => {
    const m = await call('GET', '/v1/members');
    expect(m.json.members.map((x: any) => x.index)).toEqual([0, 1, 2, 3]);
    expect(m.json.members[0].publicKey).toBe(toHex(api.node.chain.members[0]!.publicKey));
    const s = await call('GET', '/v1/status');
    expect(Value.Check(StatusJson, s.json)).toBe(true);
    expect(s.json).toMatchObject({ chainId: 'test-chain', height: 2, ready: true, syncing: false, members: 4 });
    const metrics = await call('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.json).toContain('ledger_chain_height');
  });

  test('genesis, in the form genesis.json has, with its member keys', async () => {
    const g = await call('GET', '/v1/genesis');
    expect(g.status).toBe(200);
    const parsed = genesisFromJson(g.json);
    expect(parsed.chainId).toBe('test-chain');
    expect(parsed.members.map((m) => toHex(m.publicKey))).toEqual(api.node.chain.members.map((m) => toHex(m.publicKey)));
  });
});

describe('GET /v1/proofs/state', () => {
  test('present and absent keys, with the latest header', async () => {
    const key = toHex(utf8(`nonce/${toHex(supplier.publicKey)}`));
    const present = await call('GET', `/v1/proofs/state?key=${key}`);
    expect(present.status).toBe(200);
    expect(Value.Check(StateAnswer, present.json)).toBe(true);
    expect(present.json).toMatchObject({ key, height: 2, value: '0000000000000001' });
    expect(present.json.stateRoot).toBe(present.json.header.stateRoot);
    expect((await call('GET', '/v1/proofs/state?key=00ff')).json.value).toBeNull();
  });

  test('malformed keys 400', async () => {
    for (const p of ['/v1/proofs/state', '/v1/proofs/state?key=', '/v1/proofs/state?key=abc', '/v1/proofs/state?key=zz', `/v1/proofs/state?key=${'00'.repeat(1025)}`]) {
      expectError(await call('GET', p), 400, 'VALIDATION_FAILED');
    }
  });
});

describe('unknown routes and methods', () => {
  test('404 NOT_FOUND envelope', async () => {
    for (const [m, p] of [['GET', '/'], ['GET', '/v2/status'], ['DELETE', '/v1/status'], ['PUT', '/v1/transactions'], ['POST', '/v1/blocks']]) {
      expectError(await call(m as string, p as string), 404, 'NOT_FOUND');
    }
  });
});

describe('rate limit', () => {
  test('over budget answers 429 RATE_LIMITED with Retry-After', async () => {
    const limited = await startApi(undefined, { rateLimit: { max: 3, timeWindowMs: 60_000 }, readAuth: false });
    try {
      const codes: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 4; i++) {
        last = await fetch(`${limited.url}/v1/status`);
        codes.push(last.status);
        if (i < 3) await last.text();
      }
      expect(codes).toEqual([200, 200, 200, 429]);
      expect(last?.headers.get('retry-after')).toBeTruthy();
      expect(((await last?.json()) as any).error.code).toBe('RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });
});

describe('idempotent submit', () => {
  test('the same signed transaction again: 202 and its hash while pending, 200 and its outcome once settled', async () => {
    const committed = tx(0);
    const settled = await post(txToJson(committed));
    expect(settled.status, JSON.stringify(settled.json)).toBe(200);
    expect(Value.Check(TxAnswer, settled.json)).toBe(true);
    expect(settled.json).toMatchObject({ hash: txHashHex(committed), status: 'committed', height: 1, receipt: { ok: true } });
    const rejected = await post(txToJson(tx(1, { id: 'INV-2' })));
    expect(rejected.status).toBe(200);
    expect(rejected.json).toMatchObject({ status: 'rejected', receipt: { code: 'INVOICE_ALREADY_FINANCED' } });

    const nonce = (await call('GET', `/v1/accounts/${toHex(supplier.publicKey)}`)).json.nextNonce as number;
    const t = tx(nonce, { id: 'INV-3' });
    const first = await post(txToJson(t));
    expect(first.status).toBe(202);
    const again = await post(txToJson(t));
    expect(again.status, JSON.stringify(again.json)).toBe(202);
    expect(again.json).toEqual(first.json);
    // Another transaction with the pending one's nonce is still refused.
    expectError(await post(txToJson(tx(nonce, { id: 'INV-1' }))), 400, 'DUPLICATE_TX');
    api.node.commitPending();
    const after = await post(txToJson(t));
    expect(after.status).toBe(200);
    expect(after.json).toMatchObject({ hash: first.json.hash, status: 'committed', tx: { nonce } });
  });

  test('the same body under another signature is not the same transaction', async () => {
    const good = txToJson(tx(0));
    const other = { ...good, signature: (good.signature.startsWith('00') ? '11' : '00') + good.signature.slice(2) };
    expectError(await post(other), 400, 'BAD_SIGNATURE');
  });
});
