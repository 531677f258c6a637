import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTx, LedgerClient, loadKeyFile, txHashHex, txToJson, type SigningKey } from '../../src/client/index.js';
import { rolesFor, TX_TYPES } from '../../src/state/contracts/registry.js';
import type { Payload } from '../../src/types/primitives.js';
import { Testnet } from '../helpers/testnet.js';

// What an integrator in any language relies on, on a real four-member consortium:
// - docs/transactions.md suffices: a Python program (examples/python, Debian's python3-msgpack
//   and python3-cryptography) signs a whole invoice story and every step commits;
// - strict admission: a malformed payload of every type is 400 PAYLOAD_INVALID at every member,
//   and none of them is in any block;
// - idempotent submit: the same signed transaction again is 202 with the same hash while
//   pending and 200 with its outcome once committed, at every member.

const PYTHON = '/usr/bin/python3';

function runPython(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', (e) => resolve({ code: -1, stdout, stderr: stderr + String(e) }));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function post(api: string, body: unknown): Promise<{ status: number; json: any }> {
  const r = await fetch(`${api}/v1/transactions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, json: await r.json() };
}

describe('integrators on four members', () => {
  let net: Testnet;
  let clients: LedgerClient[];
  const keys: Record<string, SigningKey> = {};

  beforeAll(async () => {
    net = await Testnet.create({ nodes: 4 });
    net.startAll();
    for (const a of net.init.accounts) keys[a.name] = await loadKeyFile(a.keyFile);
    keys['member0'] = await loadKeyFile(net.init.members[0]?.keyFile as string);
    clients = await Promise.all(net.nodes.map((_, i) => net.client(i)));
    await net.waitReady();
  });
  afterAll(async () => net?.destroy());

  it('a Python program signs an invoice story from the written spec, and every step commits', async () => {
    const manifest = join(net.dir, 'devnet.json');
    await writeFile(manifest, JSON.stringify({
      chainId: net.init.genesis.chainId,
      nodes: net.nodes.map((n, i) => ({ name: n.name, api: n.api, pid: n.proc?.pid ?? 0, dataDir: net.init.members[i]?.dataDir, config: n.config })),
      accounts: net.init.accounts,
    }));
    const r = await runPython(['examples/python/story.py', '--devnet', manifest, '--node', '1']);
    expect(r.code, `python story failed (apt-get install -y python3-msgpack python3-cryptography):\n${r.stdout}\n${r.stderr}`).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { ok: boolean; invoice: string; txs: { type: string; hash: string }[] };
    expect(out.ok).toBe(true);
    expect(out.txs.map((t) => t.type)).toEqual(['invoice.issue', 'invoice.accept', 'invoice.finance', 'invoice.fund', 'invoice.repay', 'invoice.pay', 'invoice.pay']);
    for (const c of clients) {
      const head = (await c.status()).height;
      await c.waitForTx(out.txs[out.txs.length - 1]?.hash as string, { timeoutMs: 30_000 });
      expect((await c.getInvoice(out.invoice))?.status, `invoice on a node at ${head}`).toBe('paid');
      for (const t of out.txs) expect((await c.getTx(t.hash)).status, `${t.type} ${t.hash}`).toBe('committed');
    }
  });

  it('a malformed payload of every type is 400 PAYLOAD_INVALID at every member, and no block holds one', async () => {
    const signerFor = (type: string): SigningKey => {
      const roles = rolesFor(type) ?? [];
      return (roles.includes('integrator') ? keys['supplier'] : roles.includes('regulator') ? keys['regulator'] : keys['member0']) as SigningKey;
    };
    const refused = new Set<string>();
    const malformed: Payload[] = [{}, { id: 'X', unexpected: true }];
    for (const type of TX_TYPES) {
      const key = signerFor(type);
      const nonce = await clients[0]!.nextNonce(key.publicKey);
      for (const payload of malformed) {
        const tx = buildTx(key, net.init.genesis.chainId, type, payload, nonce);
        refused.add(txHashHex(tx));
        for (const n of net.nodes) {
          const r = await post(n.api, txToJson(tx));
          expect(r.status, `${type} ${JSON.stringify(payload)} at ${n.name}: ${JSON.stringify(r.json)}`).toBe(400);
          expect(r.json.error.code, `${type} at ${n.name}`).toBe('PAYLOAD_INVALID');
        }
      }
    }
    expect(refused.size).toBe(TX_TYPES.length * malformed.length);
    // The refused nonces are still free: a valid transaction with one commits after them all.
    const supplier = keys['supplier'] as SigningKey;
    const nonce = await clients[0]!.nextNonce(supplier.publicKey);
    const good = buildTx(supplier, net.init.genesis.chainId, 'asset.register', { id: 'A-STRICT-1', kind: 'receipt', fingerprint: 'strict-1', metadata: {} }, nonce);
    await clients[2]!.submit(good);
    const done = await clients[2]!.waitForTx(txHashHex(good), { timeoutMs: 30_000 });
    expect(done.status).toBe('committed');
    for (const [i, c] of clients.entries()) {
      await c.waitForTx(txHashHex(good), { timeoutMs: 30_000 });
      const head = (await c.status()).height;
      for await (const b of c.all((cursor) => c.blocks({ limit: 50, ...(cursor !== undefined && { cursor }) }))) {
        if (b.header.height > head) break;
        for (const t of b.txs) expect(refused.has(t.hash), `${net.nodes[i]?.name} block ${b.header.height} holds a refused tx`).toBe(false);
      }
      for (const h of refused) expect((await c.getTx(h)).status, `${h} on ${net.nodes[i]?.name}`).toBe('unknown');
    }
  });

  it('resubmitting a signed transaction: 202 with the same hash while pending, 200 with its outcome once committed, at every member', async () => {
    const buyer = keys['buyer'] as SigningKey;
    const chainId = net.init.genesis.chainId;
    const nonce = await clients[0]!.nextNonce(buyer.publicKey);
    const reg = (n: number, id: string) => buildTx(buyer, chainId, 'asset.register', { id, kind: 'receipt', fingerprint: `fp-${id}`, metadata: { n } }, n);
    // Nonce n+1 waits in the pools until nonce n arrives: pending for as long as the test needs.
    const later = reg(nonce + 1, 'A-IDEM-2');
    const hash = txHashHex(later);
    for (const n of net.nodes) {
      const first = await post(n.api, txToJson(later));
      expect(first.status, `${n.name}: ${JSON.stringify(first.json)}`).toBe(202);
      expect(first.json).toEqual({ hash });
      const again = await post(n.api, txToJson(later));
      expect(again.status, `${n.name} again: ${JSON.stringify(again.json)}`).toBe(202);
      expect(again.json).toEqual({ hash });
      expect((await clients[0]!.getTx(hash)).status).toBe('pending');
    }
    await clients[0]!.submit(reg(nonce, 'A-IDEM-1'));
    for (const c of clients) expect((await c.waitForTx(hash, { timeoutMs: 30_000 })).status).toBe('committed');
    for (const n of net.nodes) {
      const settled = await post(n.api, txToJson(later));
      expect(settled.status, `${n.name}: ${JSON.stringify(settled.json).slice(0, 300)}`).toBe(200);
      expect(settled.json).toMatchObject({ hash, status: 'committed', tx: { nonce: nonce + 1 }, receipt: { ok: true } });
    }
    // Another transaction reusing the committed nonce is still a replay.
    const other = await post(net.nodes[3]!.api, txToJson(reg(nonce + 1, 'A-IDEM-3')));
    expect(other.status).toBe(400);
    expect(other.json.error.code).toBe('NONCE_TOO_LOW');
  });
});
