import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTx, generateSigningKey, LedgerClient, type SigningKey } from '../../src/client/index.js';
import { toHex } from '../../src/util/bytes.js';
import { authHeader, getJson, Testnet, waitUntil } from '../helpers/testnet.js';

// Authenticated reads against real member processes over real HTTPS (test/fixtures/tls): a
// stranger gets 401 on every read route, an integrator 404 for another party's data and its
// own data in full, an auditor and a regulator everything, and a rotated-away key and a demoted
// auditor lose access at the block that commits the rotation or the demotion.

const TLS = resolve('test/fixtures/tls');
const READ_ROUTES = (inv: string, asset: string, tx: string, acct: string): string[] => [
  `/v1/invoices/${inv}`, '/v1/invoices', `/v1/invoices/${inv}/history`, `/v1/assets/${asset}`, '/v1/assets',
  `/v1/assets/${asset}/history`, `/v1/accounts/${acct}`, `/v1/transactions/${tx}`, '/v1/blocks/latest', '/v1/blocks/1', '/v1/blocks',
  '/v1/members', '/v1/genesis', `/v1/proofs/state?key=${toHex(Buffer.from(`inv/${inv}`))}`, '/v1/events',
];

describe('authenticated reads over HTTPS', () => {
  let net: Testnet;
  let chainId: string;
  const keys: Record<string, SigningKey> = {};
  const client = (as: string, key?: SigningKey): LedgerClient => new LedgerClient({ url: net.nodes[0]?.api as string, key: key ?? (keys[as] as SigningKey), chainId, fetch: net.fetch });
  const hashes: Record<string, string> = {};

  async function send(as: string, type: Parameters<typeof buildTx>[2], payload: Record<string, unknown>, key = keys[as] as SigningKey): Promise<{ hash: string; height: number }> {
    const c = client(as, key);
    const tx = buildTx(key, chainId, type, payload as never, await c.nextNonce(key.publicKey));
    const { hash } = await c.submit(tx);
    // Waited for as the auditor: a rotation takes the signer's own read access away at commit.
    const a = await client('auditor').waitForTx(hash, { timeoutMs: 90_000 });
    expect(a.status, `${type} by ${as}: ${JSON.stringify(a.receipt)}`).toBe('committed');
    return { hash, height: a.height as number };
  }

  beforeAll(async () => {
    net = await Testnet.create({
      nodes: 4,
      https: { ca: await readFile(`${TLS}/ca.crt`), serverCert: `${TLS}/server.crt`, serverKey: `${TLS}/server.key` },
    });
    chainId = net.init.genesis.chainId;
    for (const n of ['supplier', 'supplier2', 'buyer', 'auditor', 'regulator']) keys[n] = await net.accountKey(n);
    net.startAll();
    // An idle chain writes no block (docs/protocol.md R24): ready is the sign to start.
    await net.waitReady(undefined, 120_000);
    const buyer = toHex((keys.buyer as SigningKey).publicKey);
    hashes.s = (await send('supplier', 'invoice.issue', { id: 'INV-S', buyer, amount: '100', currency: 'CNY', dueDate: '2027-06-30', fingerprint: 'fp-s' })).hash;
    hashes.t = (await send('supplier2', 'invoice.issue', { id: 'INV-T', buyer, amount: '200', currency: 'CNY', dueDate: '2027-06-30', fingerprint: 'fp-t' })).hash;
    await send('supplier', 'asset.register', { id: 'A-S', kind: 'receipt', fingerprint: 'afp-s', metadata: {} });
    await send('supplier2', 'asset.register', { id: 'A-T', kind: 'receipt', fingerprint: 'afp-t', metadata: {} });
  }, 400_000);
  afterAll(async () => {
    await net?.destroy();
  });

  it('plain HTTP is not served; a stranger gets 401 on every read route, status stays open', async () => {
    const { port } = new URL(net.nodes[0]?.api as string);
    const plain = await new Promise<string>((res) => {
      const r = httpRequest({ host: '127.0.0.1', port, path: '/v1/status' }, (x) => res(String(x.statusCode)));
      r.on('error', () => res('refused'));
      r.end();
    });
    expect(plain).not.toBe('200');
    expect((await getJson(`${net.nodes[0]?.api}/v1/status`, null)).status).toBe(200);
    const stranger = { key: generateSigningKey(), chainId };
    const id = toHex((keys.supplier as SigningKey).publicKey);
    for (const path of READ_ROUTES('INV-S', 'A-S', hashes.s as string, id)) {
      for (const as of [null, stranger]) {
        const r = await net.fetch(`${net.nodes[0]?.api}${path}`, as === null ? {} : { headers: authHeader(as) });
        expect(r.status, `${path} as ${as === null ? 'nobody' : 'a stranger'}`).toBe(401);
        expect(await r.text()).not.toContain('INV-S');
      }
    }
  });

  it('the image\'s health check probes an HTTPS member over HTTPS when LEDGER_API_TLS_CERT is set', async () => {
    const { port } = new URL(net.nodes[0]?.api as string);
    const probe = (env: NodeJS.ProcessEnv): Promise<number | null> => new Promise((res) => {
      spawn(process.execPath, [resolve('docker/healthcheck.mjs')], { env: { PATH: process.env['PATH'], LEDGER_API_PORT: port, ...env }, stdio: 'ignore' }).once('exit', (c) => res(c));
    });
    expect(await probe({ LEDGER_API_TLS_CERT: `${TLS}/server.crt` })).toBe(0);
    expect(await probe({})).toBe(1); // plain HTTP to an HTTPS member
  });

  it('an integrator reads its own data and gets 404 for another party\'s', async () => {
    const s = client('supplier');
    expect((await s.getInvoice('INV-S'))?.id).toBe('INV-S');
    expect((await s.invoiceHistory('INV-S'))?.items.length).toBeGreaterThan(0);
    expect((await s.getAsset('A-S'))?.id).toBe('A-S');
    expect((await s.getTx(hashes.s as string)).status).toBe('committed');
    expect(await s.getInvoice('INV-T')).toBeNull();
    expect(await s.invoiceHistory('INV-T')).toBeNull();
    expect(await s.getAsset('A-T')).toBeNull();
    expect(await s.assetHistory('A-T')).toBeNull();
    expect((await s.getTx(hashes.t as string)).status).toBe('unknown');
    await expect(s.stateProof(Buffer.from('inv/INV-T'))).rejects.toMatchObject({ status: 404 });
    expect((await s.stateProof(Buffer.from('inv/INV-S'))).value).not.toBeNull();
    const tHeight = (await client('auditor').getTx(hashes.t as string)).height as number;
    const block = await s.getBlock(tHeight);
    expect(block?.header.height).toBe(tHeight);
    expect(block?.txs.some((t) => t.hash === hashes.t)).toBe(false);
    expect(block?.commitQc).toBeDefined();
    const ac = new AbortController();
    const seen: string[] = [];
    for await (const ev of s.blockEvents({ fromHeight: 1, signal: ac.signal })) {
      seen.push(...ev.txs.map((t) => t.hash));
      if (ev.height >= tHeight) ac.abort();
    }
    expect(seen).toContain(hashes.s);
    expect(seen).not.toContain(hashes.t);
    expect((await s.listInvoices()).items.map((i) => i.id)).toEqual(['INV-S']);
  });

  it('an auditor and a regulator read everything', async () => {
    for (const as of ['auditor', 'regulator']) {
      const c = client(as);
      expect((await c.getInvoice('INV-T'))?.id, as).toBe('INV-T');
      expect((await c.getAsset('A-T'))?.id, as).toBe('A-T');
      expect((await c.getTx(hashes.t as string)).status, as).toBe('committed');
      expect((await c.stateProof(Buffer.from('inv/INV-T'))).value, as).not.toBeNull();
      expect((await c.listInvoices()).items.map((i) => i.id).sort(), as).toEqual(['INV-S', 'INV-T']);
    }
  });

  it('a key rotated away loses access at the block that commits the rotation', async () => {
    const old = keys.supplier2 as SigningKey;
    const before = client('supplier2', old);
    expect((await before.getInvoice('INV-T'))?.id).toBe('INV-T');
    const next = generateSigningKey();
    await send('supplier2', 'account.rotate', { newPublicKey: toHex(next.publicKey) }, old);
    await expect(client('supplier2', old).getInvoice('INV-T')).rejects.toMatchObject({ status: 401 });
    await expect(before.getInvoice('INV-T')).rejects.toMatchObject({ status: 401 }); // its cached token too
    expect((await client('supplier2', next).getInvoice('INV-T'))?.id).toBe('INV-T');
  });

  // Last: the auditor is every other test's full-scope reader.
  it('a demoted auditor reads as an integrator from the block that commits account.setrole', async () => {
    const auditorId = toHex((keys.auditor as SigningKey).publicKey);
    const member = await net.accountKey(net.init.members[0]?.name as string);
    const regulator = client('regulator');
    const a = client('auditor'); // one client: its cached token must lose the wider scope too
    expect((await a.getInvoice('INV-T'))?.id).toBe('INV-T');
    // The auditor's event stream, open across the demotion.
    const ac = new AbortController();
    const streamed = new Map<number, string[]>();
    let streamedTo = 0;
    const follow = (async () => {
      for await (const ev of a.blockEvents({ fromHeight: (await regulator.status()).height + 1, signal: ac.signal })) {
        streamed.set(ev.height, ev.txs.map((t) => t.hash));
        streamedTo = ev.height;
      }
    })().catch((e: unknown) => {
      if (!ac.signal.aborted) throw e;
    });

    const sendAs = async (key: SigningKey, type: Parameters<typeof buildTx>[2], payload: Record<string, unknown>): Promise<{ hash: string; height: number }> => {
      const c = new LedgerClient({ url: net.nodes[0]?.api as string, key, chainId, fetch: net.fetch });
      const { hash } = await c.submit(buildTx(key, chainId, type, payload as never, await c.nextNonce(key.publicKey)));
      const r = await regulator.waitForTx(hash, { timeoutMs: 90_000 });
      expect(r.status, `${type}: ${JSON.stringify(r.receipt)}`).toBe('committed');
      return { hash, height: r.height as number };
    };
    const demote = await sendAs(member, 'account.setrole', { account: auditorId, role: 'integrator' });
    // Every member executed the same block: on each, the auditor's reads are narrowed.
    await net.waitHeight(demote.height);
    for (const n of net.nodes) {
      const c = new LedgerClient({ url: n.api, key: keys.auditor as SigningKey, chainId, fetch: net.fetch });
      expect(await c.getInvoice('INV-T'), n.name).toBeNull();
      expect((await c.getAccount(auditorId))?.role, n.name).toBe('integrator');
    }
    expect(await a.getInvoice('INV-T')).toBeNull();
    expect(await a.getAsset('A-T')).toBeNull();
    expect((await a.getTx(hashes.t as string)).status).toBe('unknown');
    expect((await a.getTx(demote.hash)).status).toBe('unknown');
    await expect(a.stateProof(Buffer.from('inv/INV-T'))).rejects.toMatchObject({ status: 404 });
    expect((await a.listInvoices()).items).toEqual([]);
    expect((await a.getBlock(demote.height))?.txs.map((t) => t.hash)).toEqual([]);
    expect((await regulator.getBlock(demote.height))?.txs.map((t) => t.hash)).toContain(demote.hash);

    // A later transaction of another party reaches the regulator but not the demoted auditor's stream.
    const later = await sendAs(keys.supplier as SigningKey, 'asset.register', { id: 'A-U', kind: 'receipt', fingerprint: 'afp-u', metadata: {} });
    await waitUntil(async () => streamedTo >= later.height, 'the auditor\'s stream to reach the later block', 60_000);
    ac.abort();
    await follow;
    expect(streamed.get(demote.height)).toEqual([]);
    expect(streamed.get(later.height)).toEqual([]);
    expect([...streamed.values()].flat()).not.toContain(later.hash);
    expect(await a.getAsset('A-U')).toBeNull();
    expect((await regulator.getAsset('A-U'))?.id).toBe('A-U');
  });
});
