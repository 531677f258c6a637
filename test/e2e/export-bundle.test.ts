import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleJson, HistoryEntryJson, LedgerClient } from '../../src/client/index.js';
import { loadActor, runCli, StoryDriver, type Actor } from '../helpers/story-actors.js';
import { Testnet } from '../helpers/testnet.js';

// `ledger export` and `ledger verify-bundle` as the built binary, against a real one-member
// node: an invoice issued, accepted, split, one part transferred, financed (request and the
// financier's agreement) and repaid; the bundle of that part holds the whole lineage and
// verifies offline with the genesis alone; one byte changed fails it; the CSV is the history.

describe('ledger export / verify-bundle', () => {
  let net: Testnet;
  let client: LedgerClient;
  let auditorKey: string;
  let genesisFile: string;
  const file = (name: string): string => join(net.dir, name);
  const node = (): string => net.nodes[0]!.api;

  beforeAll(async () => {
    net = await Testnet.create({ nodes: 1 });
    net.startAll();
    await net.waitReady();
    auditorKey = net.init.accounts.find((a) => a.name === 'auditor')!.keyFile;
    genesisFile = join(net.dir, 'genesis.json');
    const [supplier, supplier2, buyer, financier] = (await Promise.all(['supplier', 'supplier2', 'buyer', 'financier'].map((n) => loadActor(net, n)))) as Actor[] as [Actor, Actor, Actor, Actor];
    client = await net.client(0);
    const story = new StoryDriver(client, net.init.genesis.chainId);
    const ok = async (p: ReturnType<StoryDriver['send']>): Promise<void> => {
      const a = await p;
      expect(a.status, JSON.stringify(a.receipt)).toBe('committed');
    };
    await ok(story.send(supplier, 'invoice.issue', { id: 'INV-X1', buyer: buyer.id, amount: '1000', currency: 'EUR', dueDate: '2027-03-31', fingerprint: 'fp:X1' }));
    await ok(story.send(buyer, 'invoice.accept', { id: 'INV-X1' }));
    await ok(story.send(supplier, 'invoice.split', { id: 'INV-X1', parts: [{ id: 'INV-X1-a', to: supplier.id, amount: '400' }, { id: 'INV-X1-b', to: supplier.id, amount: '600' }] }));
    await ok(story.send(supplier, 'invoice.transfer', { id: 'INV-X1-b', to: supplier2.id }));
    await ok(story.send(supplier2, 'invoice.finance', { id: 'INV-X1-b', financier: financier.id, advance: '550' }));
    await ok(story.send(financier, 'invoice.fund', { id: 'INV-X1-b' }));
    await ok(story.send(financier, 'invoice.repay', { id: 'INV-X1-b' }));
  }, 180_000);
  afterAll(async () => {
    await net?.destroy();
  });

  it('exports a part with its whole lineage; verify-bundle passes with the genesis alone, and fails on one changed byte', async () => {
    const exp = await runCli(['export', 'invoice', 'INV-X1-b', '--url', node(), '--key', auditorKey, '--out', file('b.json')]);
    expect(exp.code, exp.stderr).toBe(0);
    const bundle = JSON.parse(await readFile(file('b.json'), 'utf8')) as BundleJson;
    expect(bundle).toMatchObject({ format: 'ledger-bundle/1', chainId: net.init.genesis.chainId, kind: 'invoice', subject: 'INV-X1-b', memberChanges: [] });
    expect(bundle.invoices!.map((e) => e.id).sort()).toEqual(['INV-X1', 'INV-X1-a', 'INV-X1-b']);

    const ver = await runCli(['verify-bundle', file('b.json'), '--genesis', genesisFile, '--json']);
    expect(ver.code, ver.stderr).toBe(0);
    const b = (await client.invoiceProof('INV-X1-b'))!.value!;
    expect(b).toMatchObject({ status: 'accepted', financier: null, holder: expect.any(String) });
    expect(ver.json).toMatchObject({ ok: true, kind: 'invoice', subject: 'INV-X1-b' });
    expect((ver.json!['entities'] as { id: string; updatedHeight: number }[]).find((e) => e.id === 'INV-X1-b')?.updatedHeight).toBe(b.updatedHeight);
    const text = await runCli(['verify-bundle', file('b.json'), '--genesis', genesisFile]);
    expect(text.stdout).toMatch(/^ok: invoice bundle of INV-X1-b verified against genesis [0-9a-f]{64}/);

    // One hex digit of a certificate signature.
    const raw = await readFile(file('b.json'), 'utf8');
    const at = raw.indexOf('"signature": "') + 20;
    await writeFile(file('flipped.json'), raw.slice(0, at) + (raw[at] === '0' ? '1' : '0') + raw.slice(at + 1));
    const bad = await runCli(['verify-bundle', file('flipped.json'), '--genesis', genesisFile]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^FAILED: invoice INV-X1\S* .*: [A-Z_]+: /);

    const usage = await runCli(['verify-bundle', file('b.json')]);
    expect(usage.code).toBe(2);
  });

  it('exports the lineage history as CSV: one row per entry of every invoice, as the node lists them', async () => {
    const exp = await runCli(['export', 'invoice', 'INV-X1', '--csv', '--url', node(), '--key', auditorKey, '--out', file('x.csv')]);
    expect(exp.code, exp.stderr).toBe(0);
    const lines = (await readFile(file('x.csv'), 'utf8')).split('\r\n');
    expect(lines[0]).toBe('id,height,time,txHash,type,signer,detail');
    expect(lines.at(-1)).toBe('');
    const want: string[][] = [];
    for (const id of ['INV-X1', 'INV-X1-a', 'INV-X1-b']) {
      const h = (await client.invoiceHistory(id, { limit: 100 }))!;
      want.push(...h.items.map((e: HistoryEntryJson) => [id, String(e.height), new Date(e.timestampMs).toISOString(), e.txHash, e.type, e.signer]));
    }
    want.sort((x, y) => Number(x[1]) - Number(y[1]) || (x[0]! < y[0]! ? -1 : x[0]! > y[0]! ? 1 : 0));
    const rows = lines.slice(1, -1);
    expect(rows.map((r) => r.split(',').slice(0, 6))).toEqual(want);
    // The part's story, and its detail as quoted JSON.
    const partTypes = rows.filter((r) => r.startsWith('INV-X1-b,')).map((r) => r.split(',')[4]);
    expect(partTypes).toEqual(expect.arrayContaining(['invoice.transferred', 'invoice.financed', 'invoice.repaid']));
    expect(rows.find((r) => r.startsWith('INV-X1-b,') && r.includes('invoice.financed'))).toMatch(/,"\{.*""\w+"":.*\}"$/);
  });

  it('exports and verifies a block range; refuses bad arguments with exit 2', async () => {
    const head = (await client.status()).height;
    const exp = await runCli(['export', 'blocks', '--from', '1', '--to', String(head - 1), '--url', node(), '--key', auditorKey, '--out', file('blocks.json')]);
    expect(exp.code, exp.stderr).toBe(0);
    const ver = await runCli(['verify-bundle', file('blocks.json'), '--genesis', genesisFile, '--json']);
    expect(ver.code, ver.stderr).toBe(0);
    expect(ver.json).toMatchObject({ ok: true, kind: 'blocks', blocks: { from: 1, to: head - 1 } });
    expect((await runCli(['export', 'invoice', '--url', node(), '--key', auditorKey])).code).toBe(2);
    expect((await runCli(['export', 'blocks', '--from', '3', '--to', '2', '--url', node(), '--key', auditorKey])).code).toBe(2);
    const unknown = await runCli(['export', 'invoice', 'INV-NOPE', '--url', node(), '--key', auditorKey, '--out', file('nope.json')]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/INV-NOPE/);
  });
});
