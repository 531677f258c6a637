import { EXAMPLE_PAYLOADS } from '../../../src/api/openapi-examples.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  buildTx, LedgerClient, LedgerClientError, TX_TYPES, txFromJson, txHashHex, txToJson, type BlockEventJson, type TxPayloads,
} from '../../../src/client/index.js';
import { toHex } from '../../../src/util/bytes.js';
import { testKey } from '../api/fake-chain.js';
import { sampleAsset, sampleInvoice } from '../api/fake-node.js';
import { startApi, type RunningApi } from '../api/harness.js';

const key = testKey(31);
const other = testKey(32);
let api: RunningApi;
let client: LedgerClient;
let nonce = 0;

// Valid for their contracts: the API checks every payload against its type's schema.
const PAYLOADS = EXAMPLE_PAYLOADS as unknown as { [T in keyof TxPayloads]: TxPayloads[T] };

/** Resolves once `cond` holds, checking after each turn of the event loop's I/O. */
async function waitFor(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setImmediate(r));
}

beforeAll(async () => {
  api = await startApi();
  client = new LedgerClient({ url: `${api.url}/` });
  api.node.addAccount(key.publicKey, 'supplier');
  api.node.invoices.set('INV-1', sampleInvoice('INV-1'));
  api.node.assets.set('A-1', sampleAsset('A-1'));
});
afterAll(() => api.close());

describe('LedgerClient', () => {
  test('signs and submits every transaction type; the node answers with the same hash', async () => {
    expect(Object.keys(PAYLOADS).sort()).toEqual([...TX_TYPES].sort());
    for (const type of TX_TYPES) {
      const tx = buildTx(key, 'test-chain', type, PAYLOADS[type] as TxPayloads[typeof type], nonce++);
      expect(txFromJson(txToJson(tx))).toEqual(tx);
      expect(await client.submit(tx)).toEqual({ hash: txHashHex(tx) });
    }
    expect(await client.nextNonce(key.publicKey)).toBe(nonce);
    api.node.commitPending();
  });

  test('undefined optional fields are left out of what is signed', () => {
    const a = buildTx(key, 'test-chain', 'invoice.freeze', { id: 'X', reason: undefined as unknown as string }, 0);
    expect(a.payload).toEqual({ id: 'X' });
  });

  test('a refusal throws LedgerClientError with the server code and status', async () => {
    const tx = buildTx(key, 'test-chain', 'invoice.accept', { id: 'INV-1' }, 0);
    const err = await client.submit(tx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LedgerClientError);
    expect(err).toMatchObject({ code: 'NONCE_TOO_LOW', status: 400 });
  });

  test('getTx: unknown, pending, then waitForTx resolves once committed', async () => {
    expect(await client.getTx('ab'.repeat(32))).toEqual({ hash: 'ab'.repeat(32), status: 'unknown' });
    const tx = buildTx(key, 'test-chain', 'invoice.pay', { id: 'INV-1', amount: '5' }, nonce++);
    const { hash } = await client.submit(tx);
    expect((await client.getTx(hash)).status).toBe('pending');
    const waiting = client.waitForTx(hash, { timeoutMs: 10_000 });
    api.node.commitPending();
    const done = await waiting;
    expect(done).toMatchObject({ status: 'committed', hash, tx: { nonce: tx.nonce } });
  });

  test('waitForTx follows the event stream: two looks at the transaction however many blocks pass', async () => {
    const { hash } = await client.submit(buildTx(key, 'test-chain', 'invoice.pay', { id: 'INV-1', amount: '2' }, nonce++));
    const looks: string[] = [];
    const streams: string[] = [];
    const counting = new LedgerClient({
      url: api.url,
      fetch: (input, init) => {
        const u = String(input);
        if (u.includes('/v1/transactions/')) looks.push(u);
        if (u.includes('/v1/events')) streams.push(u);
        return fetch(input, init);
      },
    });
    const waiting = counting.waitForTx(hash.toUpperCase(), { timeoutMs: 10_000 });
    await waitFor(() => streams.length === 1);
    // Blocks without it pass by; then the one with it.
    const held = api.node.pending.get(hash);
    api.node.pending.delete(hash);
    for (let i = 0; i < 3; i++) api.node.commitPending();
    if (held !== undefined) api.node.pending.set(hash, held);
    api.node.commitPending();
    expect(await waiting).toMatchObject({ status: 'committed', hash });
    expect(looks, 'one look before following the stream, one for the answer').toHaveLength(2);
  });

  test('resubmitting a committed transaction resolves with its outcome', async () => {
    const tx = buildTx(key, 'test-chain', 'invoice.pay', { id: 'INV-1', amount: '3' }, nonce++);
    const { hash } = await client.submit(tx);
    expect(await client.submit(tx), 'pending: the same hash').toEqual({ hash });
    api.node.commitPending();
    expect(await client.submit(tx)).toMatchObject({ hash, status: 'committed' });
  });

  test('waitForTx gives up with TIMEOUT', async () => {
    const { hash } = await client.submit(buildTx(key, 'test-chain', 'invoice.repay', { id: 'INV-1' }, nonce++));
    await expect(client.waitForTx(hash, { timeoutMs: 150 })).rejects.toMatchObject({ code: 'TIMEOUT', status: 0 });
    api.node.commitPending();
  });

  test('reads: status, members, account, invoices, assets, blocks, proofs, metrics', async () => {
    expect((await client.status()).chainId).toBe('test-chain');
    expect((await client.members()).members).toHaveLength(4);
    expect(await client.getAccount(other.publicKey)).toBeNull();
    expect((await client.getAccount('supplier'))?.publicKey).toBe(toHex(key.publicKey));
    expect(await client.getInvoice('INV-1')).toEqual(sampleInvoice('INV-1'));
    expect(await client.getInvoice('nope')).toBeNull();
    expect((await client.listInvoices({ holder: 'supplier', status: 'accepted' })).items).toHaveLength(1);
    expect(await client.invoiceHistory('nope')).toBeNull();
    expect(await client.getAsset('A-1')).toEqual(sampleAsset('A-1'));
    expect((await client.listAssets({ owner: 'nobody' })).items).toEqual([]);
    expect((await client.assetHistory('A-1'))?.items).toEqual([]);
    const latest = await client.latestBlock();
    expect(latest?.header.height).toBe(api.node.chain.height);
    expect(await client.getBlock(999)).toBeNull();
    const page = await client.blocks({ from: 1, limit: 2 });
    expect(page.items.map((b) => b.header.height)).toEqual([1, 2]);
    // all() follows nextCursor to the head, with the same filters on every page.
    const heights: number[] = [];
    for await (const b of client.all((cursor) => client.blocks({ limit: 1, ...(cursor !== undefined && { cursor }) }))) heights.push(b.header.height);
    expect(heights).toEqual(Array.from({ length: api.node.chain.height }, (_, i) => i + 1));
    expect((await client.stateProof(new Uint8Array([0]))).height).toBe(api.node.chain.height);
    expect(await client.metrics()).toContain('ledger_chain_height');
  });

  test('validation errors surface as LedgerClientError', async () => {
    await expect(client.getBlock(0)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
  });

  test('an unreachable node is NETWORK_ERROR with status 0', async () => {
    const dead = new LedgerClient({ url: 'http://127.0.0.1:1', timeoutMs: 2_000 });
    await expect(dead.status()).rejects.toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
  });

  test('uses the injected fetch', async () => {
    const urls: string[] = [];
    const c = new LedgerClient({ url: api.url, fetch: (input, init) => (urls.push(String(input)), fetch(input, init)) });
    await c.status();
    expect(urls).toEqual([`${api.url}/v1/status`]);
  });

  test('blockEvents replays, follows, and resumes after dropped connections without gaps or repeats', async () => {
    await client.submit(buildTx(key, 'test-chain', 'invoice.pay', { id: 'INV-1', amount: '1' }, nonce++));
    api.node.commitPending();
    let connects = 0;
    api.app.server.on('request', (req: { url?: string }) => {
      if (req.url?.startsWith('/v1/events') === true) connects++;
    });
    const ctl = new AbortController();
    const events = client.blockEvents({ fromHeight: 1, signal: ctl.signal });
    const seen: BlockEventJson[] = [];
    const target = api.node.chain.height + 6;
    for await (const ev of events) {
      seen.push(ev);
      if (ev.height === target) break;
      if (ev.height >= api.node.chain.height) {
        // At the head: commit another block, and every other time cut every connection first.
        if (ev.height % 2 === 0) api.app.server.closeAllConnections();
        await client.submit(buildTx(key, 'test-chain', 'invoice.pay', { id: 'INV-1', amount: '1' }, nonce++)).catch(async () => {
          // The cut may hit this request too; retry once on a fresh connection.
          await client.submit(buildTx(key, 'test-chain', 'invoice.pay', { id: 'INV-1', amount: '1' }, nonce - 1));
        });
        api.node.commitPending();
      }
    }
    ctl.abort();
    expect(connects, 'the stream was cut and resumed').toBeGreaterThanOrEqual(3);
    expect(seen.map((e) => e.height)).toEqual(Array.from({ length: target }, (_, i) => i + 1));
  });
});
