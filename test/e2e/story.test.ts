import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateSigningKey, LedgerClient, saveKeyFile, verifyStateAnswer, verifyTxInclusion, type TxAnswer,
} from '../../src/client/index.js';
import { stateKeyBytes } from '../../src/state/view.js';
import { toHex } from '../../src/util/bytes.js';
import { loadActor, runCli, StoryDriver, type Actor } from '../helpers/story-actors.js';
import { auditorKeyFile, Testnet } from '../helpers/testnet.js';

// The supply-chain-finance story of docs/transactions.md on a real four-member consortium: integrators and a
// regulator act over REST through the client SDK (and the `ledger tx` CLI), and afterwards every
// node answers the same, every answer verifies against the genesis member set alone, and
// `ledger audit` re-verifies the whole chain from each node.

const INV = 'INV-2026-0001';
const PART_A = `${INV}.a`;
const PART_B = `${INV}.b`;
const ASSET = 'WR-SH3-0042';

// Hashes of blocks 1..last, following the pages of GET /v1/blocks.
async function blockHashes(c: LedgerClient, last: number): Promise<string[]> {
  const out: string[] = [];
  while (out.length < last) {
    const page = await c.blocks({ from: out.length + 1, limit: Math.min(last - out.length, 20) });
    if (page.items.length === 0) break;
    out.push(...page.items.map((b) => b.hash));
  }
  return out.slice(0, last);
}

describe('supply-chain finance story on four members', () => {
  let net: Testnet;
  let story: StoryDriver;
  let clients: LedgerClient[];
  const who: Record<string, Actor> = {};
  let bank3: Actor;
  /** The financier whose acceptance won the race for PART_B. */
  let winner: Actor;

  function expectCommitted(a: TxAnswer, what: string): void {
    expect(a.status, `${what}: ${JSON.stringify(a.receipt)}`).toBe('committed');
    expect(a.receipt?.ok, what).toBe(true);
  }

  function expectRejected(a: TxAnswer, code: string, what: string): void {
    expect(a.status, `${what}: ${JSON.stringify(a.receipt)}`).toBe('rejected');
    expect(a.receipt?.code, what).toBe(code);
  }

  beforeAll(async () => {
    net = await Testnet.create({ nodes: 4 });
    net.startAll();
    for (const name of ['supplier', 'supplier2', 'buyer', 'financier', 'financier2', 'auditor', 'regulator', 'member1']) {
      who[name] = await loadActor(net, name);
    }
    clients = await Promise.all(net.nodes.map((_, i) => net.client(i)));
    story = new StoryDriver(clients[0] as LedgerClient, net.init.genesis.chainId);
    const key = generateSigningKey();
    const keyFile = `${net.dir}/bank3.key.json`;
    await saveKeyFile(keyFile, key);
    bank3 = { name: 'bank3', key, id: toHex(key.publicKey), keyFile };
    await net.waitReady();
  });
  afterAll(async () => {
    await net?.destroy();
  });

  const a = (name: string): Actor => who[name] as Actor;

  it('a member registers a new financier account', async () => {
    expectCommitted(await story.send(a('member1'), 'account.register', { publicKey: bank3.id, role: 'integrator', name: 'bank3' }), 'account.register');
    const acct = await story.client.getAccount(bank3.id);
    expect(acct).toMatchObject({ publicKey: bank3.id, name: 'bank3', role: 'integrator', nextNonce: 0 });
  });

  it('supplier issues an invoice, the buyer accepts it, and its fingerprint can never be registered again', async () => {
    expectCommitted(await story.send(a('supplier'), 'invoice.issue', {
      id: INV, buyer: a('buyer').id, amount: '1000000', currency: 'CNY', dueDate: '2027-06-30', fingerprint: 'cn-tax:91310000:inv:0001',
    }), 'invoice.issue');
    expect(await story.client.getInvoice(INV)).toMatchObject({ status: 'issued', holder: a('supplier').id, seller: a('supplier').id });
    expectRejected(await story.send(a('supplier2'), 'invoice.issue', {
      id: 'INV-copy', buyer: a('buyer').id, amount: '1000000', currency: 'CNY', dueDate: '2027-06-30', fingerprint: 'cn-tax:91310000:inv:0001',
    }), 'FINGERPRINT_TAKEN', 'the same real invoice registered twice');
    expect(await story.client.getInvoice('INV-copy')).toBeNull();

    // The buyer's acceptance goes through the real CLI, on another member.
    const run = await runCli(['tx', 'invoice.accept', '--key', a('buyer').keyFile, '--node', net.nodes[1]?.api as string,
      '--payload', JSON.stringify({ id: INV }), '--wait', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ status: 'committed', error: null });
    expect(typeof run.json?.['hash']).toBe('string');
    story.sent.set(run.json?.['hash'] as string, 'committed');
    expect(await story.client.getInvoice(INV)).toMatchObject({ status: 'accepted' });
  });

  it('the holder splits it into parts and transfers one part to another supplier', async () => {
    expectRejected(await story.send(a('supplier'), 'invoice.split', {
      id: INV, parts: [{ id: PART_A, to: a('supplier').id, amount: '600000' }, { id: PART_B, to: a('supplier').id, amount: '300000' }],
    }), 'SPLIT_AMOUNT_MISMATCH', 'parts that do not sum to the invoice');
    expectCommitted(await story.send(a('supplier'), 'invoice.split', {
      id: INV, parts: [{ id: PART_A, to: a('supplier').id, amount: '600000' }, { id: PART_B, to: a('supplier').id, amount: '400000' }],
    }), 'invoice.split');
    expect(await story.client.getInvoice(INV)).toMatchObject({ status: 'split', children: [PART_A, PART_B] });
    expect(await story.client.getInvoice(PART_B)).toMatchObject({ status: 'accepted', parent: INV, amount: '400000', buyer: a('buyer').id });
    expectCommitted(await story.send(a('supplier'), 'invoice.transfer', { id: PART_B, to: a('supplier2').id }), 'invoice.transfer');
    expect(await story.client.getInvoice(PART_B)).toMatchObject({ holder: a('supplier2').id });
  });

  it('financing takes both parties: a financier declines; two financiers race for one receivable and exactly one wins', async () => {
    // A request finances nothing: the bank asked has not agreed yet, and this one declines.
    expectCommitted(await story.send(a('supplier2'), 'invoice.finance', { id: PART_B, financier: a('financier2').id, advance: '350000' }), 'request to financier2');
    expect(await story.client.getInvoice(PART_B)).toMatchObject({ status: 'accepted', financier: null });
    expectCommitted(await story.send(a('financier2'), 'invoice.decline', { id: PART_B }), 'financier2 declines');
    expectRejected(await story.send(a('financier2'), 'invoice.fund', { id: PART_B }), 'FINANCE_REQUEST_NOT_FOUND', 'accepting a declined request');

    // The holder asks two banks at once; both accept at the same moment, through different members.
    expectCommitted(await story.send(a('supplier2'), 'invoice.finance', { id: PART_B, financier: a('financier').id, advance: '350000' }), 'request to financier');
    expectCommitted(await story.send(a('supplier2'), 'invoice.finance', { id: PART_B, financier: bank3.id, advance: '300000' }), 'request to bank3');
    const [byFinancier, byBank3] = await Promise.all([
      story.send(a('financier'), 'invoice.fund', { id: PART_B }),
      story.send(bank3, 'invoice.fund', { id: PART_B }),
    ]);
    const won = [byFinancier, byBank3].filter((x) => x.status === 'committed' && x.receipt?.ok === true);
    expect(won, 'exactly one acceptance wins').toHaveLength(1);
    const lost = byFinancier === won[0] ? byBank3 : byFinancier;
    expectRejected(lost, 'FINANCE_REQUEST_NOT_FOUND', 'the slower acceptance');
    winner = byFinancier === won[0] ? a('financier') : bank3;
    expect(await story.client.getInvoice(PART_B)).toMatchObject({ status: 'financed', financier: winner.id, advance: winner === bank3 ? '300000' : '350000' });

    // The fraud attempt, through the CLI: the same receivable offered again to another bank.
    const run = await runCli(['tx', 'invoice.finance', '--key', a('supplier2').keyFile, '--node', net.nodes[2]?.api as string,
      '--payload', JSON.stringify({ id: PART_B, financier: a('financier2').id, advance: '300000' }), '--wait', '--json']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.json).toMatchObject({ status: 'rejected', error: { code: 'INVOICE_ALREADY_FINANCED' } });
    story.sent.set(run.json?.['hash'] as string, 'rejected');
    expect(await story.client.getInvoice(PART_B)).toMatchObject({ status: 'financed', financier: winner.id });

    // The parent's amount overlaps the financed part: it cannot be financed either.
    expectRejected(await story.send(a('supplier'), 'invoice.finance', { id: INV, financier: a('financier2').id, advance: '1000' }),
      'INVOICE_CLOSED', 'financing the split parent');
    // The other part covers other units of the original invoice: it may be financed once.
    expectCommitted(await story.send(a('supplier'), 'invoice.finance', { id: PART_A, financier: a('financier2').id, advance: '500000' }), 'request the other part');
    expectCommitted(await story.send(a('financier2'), 'invoice.fund', { id: PART_A }), 'finance the other part');
  });

  it('the financier repays; the repaid receivable still cannot be financed again', async () => {
    expectRejected(await story.send(a('supplier2'), 'invoice.repay', { id: PART_B }), 'INVOICE_NOT_FINANCIER', 'repay by the holder');
    expectCommitted(await story.send(winner, 'invoice.repay', { id: PART_B }), 'invoice.repay');
    expect(await story.client.getInvoice(PART_B)).toMatchObject({ status: 'accepted', financier: null, advance: null });
    expectRejected(await story.send(a('supplier2'), 'invoice.finance', { id: PART_B, financier: a('financier2').id, advance: '100000' }),
      'INVOICE_ALREADY_FINANCED', 'refinancing after repay');
  });

  it('the buyer pays in part, then in full', async () => {
    expectCommitted(await story.send(a('buyer'), 'invoice.pay', { id: PART_B, amount: '150000' }), 'partial payment');
    expect(await story.client.getInvoice(PART_B)).toMatchObject({ status: 'accepted', paid: '150000' });
    expectRejected(await story.send(a('buyer'), 'invoice.pay', { id: PART_B, amount: '250001' }), 'PAYMENT_EXCEEDS_REMAINING', 'overpayment');
    expectCommitted(await story.send(a('buyer'), 'invoice.pay', { id: PART_B, amount: '250000' }), 'final payment');
    expect(await story.client.getInvoice(PART_B)).toMatchObject({ status: 'paid', paid: '400000' });
    const history = await story.client.invoiceHistory(PART_B);
    expect(history?.items.map((e) => e.type)).toEqual([
      'invoice.created', 'invoice.transferred', 'invoice.financeRequested', 'invoice.financeDeclined', 'invoice.financeRequested',
      'invoice.financeRequested', 'invoice.financed', 'invoice.repaid', 'invoice.paid', 'invoice.paid',
    ]);
  });

  it('an asset is pledged, frozen by the regulator, and cannot move until unfrozen and released', async () => {
    expectCommitted(await story.send(a('supplier'), 'asset.register', {
      id: ASSET, kind: 'warehouse-receipt', fingerprint: 'sha256:5f0c2a9e', metadata: { warehouse: 'Shanghai-3', tonnes: 120, insured: true },
    }), 'asset.register');
    expectRejected(await story.send(a('supplier2'), 'asset.register', {
      id: 'WR-dup', kind: 'warehouse-receipt', fingerprint: 'sha256:5f0c2a9e', metadata: {},
    }), 'FINGERPRINT_TAKEN', 'the same document registered twice');
    expectCommitted(await story.send(a('supplier'), 'asset.pledge', { id: ASSET, to: a('financier').id }), 'asset.pledge');
    expectCommitted(await story.send(a('regulator'), 'asset.freeze', { id: ASSET, reason: 'court order 2026-118' }), 'asset.freeze');
    expect(await story.client.getAsset(ASSET)).toMatchObject({ owner: a('supplier').id, pledgee: a('financier').id, frozen: true, freezeReason: 'court order 2026-118' });
    expectRejected(await story.send(a('supplier'), 'asset.transfer', { id: ASSET, to: a('buyer').id }), 'ASSET_FROZEN', 'transfer while frozen');
    expectCommitted(await story.send(a('regulator'), 'asset.unfreeze', { id: ASSET, reason: 'order lifted' }), 'asset.unfreeze');
    expectRejected(await story.send(a('supplier'), 'asset.transfer', { id: ASSET, to: a('buyer').id }), 'ASSET_PLEDGED', 'transfer while pledged');
    expectCommitted(await story.send(a('financier'), 'asset.release', { id: ASSET }), 'asset.release');
    expectCommitted(await story.send(a('supplier'), 'asset.transfer', { id: ASSET, to: a('buyer').id }), 'asset.transfer');
    expect(await story.client.getAsset(ASSET)).toMatchObject({ owner: a('buyer').id, pledgee: null, frozen: false });
  });

  it('refuses at admission an auditor writing and signers in the wrong role, with HTTP 400 and a code', async () => {
    const before = await story.client.getAccount(a('auditor').id);
    const refusals = [
      await story.refuse(a('auditor'), 'invoice.issue', { id: 'INV-aud', buyer: a('buyer').id, amount: '1', currency: 'CNY', dueDate: '2027-01-01', fingerprint: 'aud-1' }),
      await story.refuse(a('auditor'), 'asset.freeze', { id: ASSET, reason: 'not mine to freeze' }),
      await story.refuse(a('supplier'), 'asset.freeze', { id: ASSET, reason: 'integrators cannot freeze' }),
      await story.refuse(a('regulator'), 'invoice.issue', { id: 'INV-reg', buyer: a('buyer').id, amount: '1', currency: 'CNY', dueDate: '2027-01-01', fingerprint: 'reg-1' }),
      await story.refuse(a('buyer'), 'account.register', { publicKey: toHex(generateSigningKey().publicKey), role: 'integrator', name: 'sneaky' }),
    ];
    for (const r of refusals) {
      expect(r).toMatchObject({ status: 400, code: 'ROLE_NOT_ALLOWED' });
      expect((await story.client.getTx(r.hash)).status, 'a refused transaction is never pending').toBe('unknown');
    }
    expect(await story.client.getAccount(a('auditor').id)).toEqual(before);

    // The same refusal through the CLI: a JSON line with the code, exit 1.
    const run = await runCli(['tx', 'invoice.accept', '--key', a('auditor').keyFile, '--node', net.nodes[3]?.api as string,
      '--payload', JSON.stringify({ id: PART_A }), '--json']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.json).toMatchObject({ hash: null, status: 'refused', error: { code: 'ROLE_NOT_ALLOWED' } });
  });

  it('every node gives the same answers and the same block hash at every height', async () => {
    const last = Math.max(...(await Promise.all([...story.sent.keys()].map(async (h) => (await story.client.getTx(h)).height ?? 0))));
    await net.waitHeight(last);
    const snapshot = async (c: LedgerClient): Promise<unknown> => ({
      invoices: await Promise.all([INV, PART_A, PART_B].map((id) => c.getInvoice(id))),
      invoiceHistories: await Promise.all([INV, PART_A, PART_B].map((id) => c.invoiceHistory(id))),
      asset: await c.getAsset(ASSET),
      assetHistory: await c.assetHistory(ASSET),
      bank3: await c.getAccount(bank3.id),
      byHolder: await c.listInvoices({ holder: a('supplier2').id }),
      blocks: await blockHashes(c, last),
    });
    const first = await snapshot(clients[0] as LedgerClient);
    expect((first as { blocks: string[] }).blocks).toHaveLength(last);
    const history = (first as { assetHistory: { items: { type: string }[] } }).assetHistory.items.map((e) => e.type);
    expect(history).toEqual(['asset.registered', 'asset.pledged', 'asset.frozen', 'asset.unfrozen', 'asset.released', 'asset.transferred']);
    for (let i = 1; i < clients.length; i++) {
      expect(await snapshot(clients[i] as LedgerClient), `${net.nodes[i]?.name} agrees with ${net.nodes[0]?.name}`).toEqual(first);
    }
  });

  it('pages of one item walk every list as one big page does (unfiltered invoices span several statuses)', async () => {
    const c = clients[0] as LedgerClient;
    const ids = async (page: (cursor: string | undefined) => Promise<{ items: { id?: string; txHash?: string }[]; nextCursor: string | null } | null>): Promise<string[]> => {
      const out: string[] = [];
      for await (const x of c.all(page)) out.push(x.id ?? x.txHash ?? '');
      return out;
    };
    const one = (cursor: string | undefined) => ({ limit: 1, ...(cursor !== undefined && { cursor }) });
    const invoices = (await c.listInvoices({ limit: 100 })).items.map((i) => i.id);
    expect(new Set((await c.listInvoices({ limit: 100 })).items.map((i) => i.status)).size).toBeGreaterThan(1);
    expect(await ids((k) => c.listInvoices(one(k)))).toEqual(invoices);
    const holder = a('supplier2').id;
    expect(await ids((k) => c.listInvoices({ holder, ...one(k) }))).toEqual((await c.listInvoices({ holder, limit: 100 })).items.map((i) => i.id));
    expect(await ids((k) => c.listAssets(one(k)))).toEqual((await c.listAssets({ limit: 100 })).items.map((i) => i.id));
    expect(await ids((k) => c.assetHistory(ASSET, one(k)))).toEqual((await c.assetHistory(ASSET, { limit: 100 }))?.items.map((e) => e.txHash));
    // A cursor of another filter, or of another list, is refused rather than read as some page.
    const byAll = (await c.listInvoices({ limit: 1 })).nextCursor as string;
    await expect(c.listInvoices({ holder, cursor: byAll })).rejects.toMatchObject({ code: 'INVALID_CURSOR', status: 400 });
    await expect(c.listAssets({ cursor: byAll })).rejects.toMatchObject({ code: 'INVALID_CURSOR', status: 400 });
  });

  it('every transaction proof, from every node, verifies against the genesis member set alone', async () => {
    const members = net.init.genesis.members;
    const chainId = net.init.genesis.chainId;
    expect(story.sent.size).toBeGreaterThanOrEqual(25);
    for (const c of clients) {
      for (const [hash, status] of story.sent) {
        const answer = await c.getTx(hash);
        expect(answer.status, `${hash} on ${c === clients[0] ? 'node 0' : 'a peer'}`).toBe(status);
        const v = verifyTxInclusion(answer, members, { chainId });
        expect(v.ok, `${hash}: ${v.ok ? '' : v.error.message}`).toBe(true);
      }
    }
    // The same answers do not verify against another member set.
    const strangers = members.map(() => ({ publicKey: generateSigningKey().publicKey }));
    const [someHash] = story.sent.keys();
    const forged = verifyTxInclusion(await story.client.getTx(someHash as string), strangers, { chainId });
    expect(forged.ok ? 'verified' : forged.error.code).toBe('QC_SIGNATURE_INVALID');
  });

  it('state answers (present and absent keys) verify against the genesis member set', async () => {
    const members = net.init.genesis.members;
    for (const c of clients) {
      const present = await c.stateProof(stateKeyBytes(`inv/${PART_B}`));
      expect(present.value, 'the paid part is in state').not.toBeNull();
      const v = verifyStateAnswer(present, members, { chainId: net.init.genesis.chainId });
      expect(v.ok, v.ok ? '' : v.error.message).toBe(true);
      const absent = await c.stateProof(stateKeyBytes('inv/INV-copy'));
      expect(absent.value, 'the refused duplicate was never stored').toBeNull();
      const w = verifyStateAnswer(absent, members);
      expect(w.ok, w.ok ? '' : w.error.message).toBe(true);
    }
  });

  it('ledger audit re-verifies the whole chain from every node', async () => {
    const target = await net.height(0);
    for (const n of net.nodes) {
      const run = await runCli(['audit', '--node', n.api, '--key', auditorKeyFile(net), '--genesis', net.init.genesisFile, '--json']);
      expect(run.code, `${n.name}: ${run.stderr}${run.stdout}`).toBe(0);
      expect(run.json, n.name).toMatchObject({ ok: true });
      expect(run.json?.['blocksVerified'] as number, n.name).toBeGreaterThanOrEqual(target - 2);
    }
  });
});
