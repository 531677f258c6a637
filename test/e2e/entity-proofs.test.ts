import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  memberSetsFrom, verifyAccount, verifyAsset, verifyHistory, verifyInvoice, type AccountRecordJson, type AssetRecordJson, type EntityProofJson,
  type InvoiceRecordJson, type LedgerClient, type MemberSets, type ProvenHistoryJson,
} from '../../src/client/index.js';
import { loadActor, StoryDriver, type Actor } from '../helpers/story-actors.js';
import { Testnet } from '../helpers/testnet.js';

// `?proof=true` answers of a real node, verified by the SDK with nothing but the genesis: a
// real invoice (issued, accepted, split), asset and account, an absent invoice, histories;
// then one tampered value, proof and header each, failing with its own code.

const clone = <T>(x: T): T => structuredClone(x);
const flipHex = (h: string, at = 0): string => h.slice(0, at) + (h[at] === '0' ? '1' : '0') + h.slice(at + 1);

describe('entity answers with proofs, from a real node', () => {
  let net: Testnet;
  let client: LedgerClient;
  let sets: MemberSets;
  let supplier: Actor;
  let buyer: Actor;
  let invoice: EntityProofJson<InvoiceRecordJson>;

  beforeAll(async () => {
    net = await Testnet.create({ nodes: 1 });
    net.startAll();
    await net.waitReady();
    [supplier, buyer] = (await Promise.all(['supplier', 'buyer'].map((n) => loadActor(net, n)))) as [Actor, Actor];
    client = await net.client(0);
    const story = new StoryDriver(client, net.init.genesis.chainId);
    const issue = { id: 'INV-P1', buyer: buyer.id, amount: '1000', currency: 'EUR', dueDate: '2027-03-31', fingerprint: 'fp:P1' };
    expect((await story.send(supplier, 'invoice.issue', issue)).status).toBe('committed');
    expect((await story.send(buyer, 'invoice.accept', { id: 'INV-P1' })).status).toBe('committed');
    const split = { id: 'INV-P1', parts: [{ id: 'INV-P1-a', to: supplier.id, amount: '400' }, { id: 'INV-P1-b', to: supplier.id, amount: '600' }] };
    expect((await story.send(supplier, 'invoice.split', split)).status).toBe('committed');
    expect((await story.send(supplier, 'asset.register', { id: 'AS-P1', kind: 'receipt', fingerprint: 'doc:P1', metadata: { tons: 12, site: 'Hamburg' } })).status).toBe('committed');
    const s = memberSetsFrom(net.init.genesis);
    expect(s.ok).toBe(true);
    sets = (s as { ok: true; value: MemberSets }).value;
    invoice = (await client.invoiceProof('INV-P1')) as EntityProofJson<InvoiceRecordJson>;
  }, 120_000);
  afterAll(async () => {
    await net?.destroy();
  });

  it('verifies and decodes an invoice, its split parts and their lineage', async () => {
    const r = verifyInvoice(invoice, 'INV-P1', sets, { chainId: net.init.genesis.chainId });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const v = r.ok ? r.value.value : null;
    expect(v).toMatchObject({ id: 'INV-P1', status: 'split', amount: '1000', seller: supplier.id, buyer: buyer.id, parts: ['INV-P1-a', 'INV-P1-b'] });
    const part = await client.invoiceProof('INV-P1-b');
    const p = verifyInvoice(part!, 'INV-P1-b', sets);
    expect(p.ok && p.value.value).toMatchObject({ parent: 'INV-P1', root: 'INV-P1', offset: '400', amount: '600' });
  });

  it('verifies an asset and an account asked by current key', async () => {
    const a = verifyAsset((await client.assetProof('AS-P1')) as EntityProofJson<AssetRecordJson>, 'AS-P1', sets);
    expect(a.ok && a.value.value).toMatchObject({ id: 'AS-P1', owner: supplier.id, metadata: { tons: 12, site: 'Hamburg' } });
    const acct = verifyAccount((await client.accountProof(buyer.id)) as EntityProofJson<AccountRecordJson>, buyer.id, sets);
    expect(acct.ok && acct.value.value).toMatchObject({ id: buyer.id, publicKey: buyer.id, role: 'integrator', nextNonce: 1 });
    // Another account's proof is not the buyer's.
    const other = verifyAccount((await client.accountProof(supplier.id)) as EntityProofJson<AccountRecordJson>, buyer.id, sets);
    expect(other.ok ? 'ok' : other.error.code).toBe('KEY_MISMATCH');
  });

  it('proves an unknown invoice absent', async () => {
    const r = verifyInvoice((await client.invoiceProof('INV-NOPE'))!, 'INV-NOPE', sets);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(r.ok && r.value.value).toBeNull();
  });

  it('verifies every entry of a history against its transaction', async () => {
    const h = (await client.invoiceHistoryProof('INV-P1')) as ProvenHistoryJson;
    const r = verifyHistory(h, 'INV-P1', sets);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(r.ok && r.value.entries.map((e) => e.type)).toEqual(['invoice.issue', 'invoice.accept', 'invoice.split']);
    expect(r.ok && r.value.entries.every((e) => e.status === 'committed')).toBe(true);
    const lied = clone(h);
    lied.items[1]!.height += 1;
    const bad = verifyHistory(lied, 'INV-P1', sets);
    expect(bad.ok ? 'ok' : bad.error.code).toBe('HISTORY_MISMATCH');
    const forged = clone(h);
    forged.items[0]!.tx.proof!.siblings = forged.items[0]!.tx.proof!.siblings.map((s) => flipHex(s));
    forged.items[0]!.tx.proof!.size += 1;
    const f = verifyHistory(forged, 'INV-P1', sets);
    expect(f.ok ? 'ok' : f.error.code).toBe('INCLUSION_PROOF_INVALID');
    const asset = verifyHistory((await client.assetHistoryProof('AS-P1'))!, 'AS-P1', sets);
    expect(asset.ok && asset.value.entries.length).toBe(1);
  });

  it('a tampered value, proof and header each fail with their own code', () => {
    const code = (a: EntityProofJson<InvoiceRecordJson>): string => {
      const r = verifyInvoice(a, 'INV-P1', sets);
      return r.ok ? 'ok' : r.error.code;
    };
    const value = clone(invoice);
    value.value!.amount = '100000';
    expect(code(value)).toBe('VALUE_MISMATCH');
    const proven = clone(invoice);
    proven.state.value = flipHex(proven.state.value!, 40);
    proven.state.proof.value = proven.state.value;
    expect(code(proven)).toBe('STATE_PROOF_INVALID');
    const proof = clone(invoice);
    proof.state.proof.siblings[0] = flipHex(proof.state.proof.siblings[0]!);
    expect(code(proof)).toBe('STATE_PROOF_INVALID');
    const header = clone(invoice);
    header.state.header.stateRoot = flipHex(header.state.header.stateRoot);
    expect(code(header)).toBe('BLOCK_HASH_MISMATCH');
    const signature = clone(invoice);
    signature.state.commitQc.signatures[0]!.signature = flipHex(signature.state.commitQc.signatures[0]!.signature, 6);
    expect(code(signature)).toBe('QC_SIGNATURE_INVALID');
    const key = clone(invoice);
    key.key = 'inv/INV-P1-a';
    expect(code(key)).toBe('KEY_MISMATCH');
    // A member set of another epoch: the header names epoch 0.
    const later = memberSetsFrom(net.init.genesis, [{ epoch: 1, startHeight: 1 + 1, members: [buyer.id] }]);
    expect(later.ok).toBe(true);
    const r = later.ok ? verifyInvoice(invoice, 'INV-P1', later.value) : null;
    expect(r?.ok ? 'ok' : r?.error.code).toBe('EPOCH_MISMATCH');
  });
});
