import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  buildTx, exportAssetBundle, exportBlocksBundle, exportInvoiceBundle, LedgerClient, txHashHex, verifyBundle, type BundleJson, type ExportOptions,
} from '../../../src/client/index.js';
import { encodeAsset } from '../../../src/state/contracts/asset/types.js';
import { encodeInvoice, type Invoice } from '../../../src/state/contracts/invoice/types.js';
import { genesisHash } from '../../../src/state/genesis-state.js';
import type { Genesis } from '../../../src/types/genesis.js';
import { toHex, utf8 } from '../../../src/util/bytes.js';
import { csvField, historyCsv } from '../../../src/cli/history-csv.js';
import { testKey } from '../api/fake-chain.js';
import { sampleAsset, sampleInvoice } from '../api/fake-node.js';
import { startApi, type RunningApi } from '../api/harness.js';

// Export bundles built from real API answers (buildApi over a FakeNode whose state tree holds
// real invoice and asset records, each change a real signed transaction in a certified block),
// then checked offline by verifyBundle: whole bundles pass; a byte changed anywhere that
// matters, a lineage member removed or a history page dropped fails.

const key = testKey(21);
const who = toHex(key.publicKey);
let api: RunningApi;
let genesis: Genesis;
let opts: ExportOptions;
let invoiceBundle: BundleJson;
let nonce = 0;

const inv = (over: Partial<Invoice> & Pick<Invoice, 'id'>): Invoice => ({
  seller: who, buyer: 'b'.repeat(64), holder: who, amount: 1000n, paid: 0n, currency: 'EUR', dueDate: '2027-03-31', fingerprint: `fp:${over.id}`,
  status: 'issued', frozen: false, frozenReason: null, financier: null, advance: null, parent: null, root: over.id, offset: 0n, parts: [],
  createdHeight: 1, updatedHeight: 1, ...over,
});

/** One block: a real signed transaction, the records it writes, and history entries for `ids`. */
function commit(type: string, records: [string, Uint8Array][], ids: [string, Record<string, unknown>][]): void {
  const tx = buildTx(key, api.node.chain.chainId, type, { n: nonce }, nonce);
  nonce++;
  expect(api.node.submitTx(tx).ok).toBe(true);
  api.node.chain.state = api.node.chain.state.update(records.map(([k, v]) => [utf8(k), v]));
  api.node.commitPending();
  const header = api.node.chain.head!.committed.block.header;
  for (const [id, detail] of ids) {
    const list = api.node.histories.get(id) ?? [];
    list.push({ height: header.height, txHash: txHashHex(tx), type, signer: who, timestampMs: header.timestampMs, detail });
    api.node.histories.set(id, list);
  }
}

beforeAll(async () => {
  api = await startApi();
  api.node.addAccount(key.publicKey, 'exporter');
  for (const id of ['INV-1', 'INV-1-a', 'INV-1-b']) api.node.invoices.set(id, sampleInvoice(id));
  api.node.assets.set('AS-1', sampleAsset('AS-1'));
  commit('invoice.issue', [['inv/INV-1', encodeInvoice(inv({ id: 'INV-1' }))]], [['invoice/INV-1', { amount: '1000' }]]);
  commit('invoice.accept', [['inv/INV-1', encodeInvoice(inv({ id: 'INV-1', status: 'accepted', updatedHeight: 2 }))]], [['invoice/INV-1', {}]]);
  const part = (id: string, offset: bigint, amount: bigint, updatedHeight = 3, over: Partial<Invoice> = {}): [string, Uint8Array] =>
    [`inv/${id}`, encodeInvoice(inv({ id, parent: 'INV-1', root: 'INV-1', offset, amount, status: 'accepted', createdHeight: 3, updatedHeight, ...over }))];
  commit('invoice.split', [
    ['inv/INV-1', encodeInvoice(inv({ id: 'INV-1', status: 'split', parts: ['INV-1-a', 'INV-1-b'], updatedHeight: 3 }))],
    part('INV-1-a', 0n, 400n), part('INV-1-b', 400n, 600n),
  ], [['invoice/INV-1', { parts: 'INV-1-a,INV-1-b' }], ['invoice/INV-1-a', { from: 'INV-1' }], ['invoice/INV-1-b', { from: 'INV-1' }]]);
  commit('invoice.transfer', [part('INV-1-a', 0n, 400n, 4, { holder: 'c'.repeat(64) })], [['invoice/INV-1-a', { to: 'c'.repeat(64), note: 'a "quoted", comma' }]]);
  const asset = { id: 'AS-1', kind: 'receipt', fingerprint: 'doc:1', metadata: { tons: 12 }, owner: who, pledgee: null, frozen: false, frozenReason: null, registeredBy: who, createdHeight: 5, updatedHeight: 5 };
  commit('asset.register', [['asset/AS-1', encodeAsset(asset)]], [['asset/AS-1', { kind: 'receipt' }]]);
  genesis = { ...api.node.genesis(), genesisTimeMs: 1_700_000_000_000 };
  opts = { chainId: genesis.chainId, genesisHash: toHex(genesisHash(genesis)), pageSize: 2, now: () => new Date('2026-12-07T00:00:00Z') };
  invoiceBundle = await exportInvoiceBundle(new LedgerClient({ url: api.url }), 'INV-1-b', opts);
});
afterAll(() => api.close());

const codeOf = (b: unknown): string => {
  const r = verifyBundle(b, genesis);
  return r.ok ? 'ok' : r.error.code;
};

describe('verifyBundle', () => {
  test('an invoice bundle from a part holds and proves the whole lineage, histories paged to the end', () => {
    expect(invoiceBundle.invoices?.map((e) => e.id).sort()).toEqual(['INV-1', 'INV-1-a', 'INV-1-b']);
    // Page size 2: INV-1 (3 entries) spans two pages, chained by the cursor.
    expect(invoiceBundle.invoices?.find((e) => e.id === 'INV-1')?.history.length).toBe(2);
    const r = verifyBundle(invoiceBundle, genesis);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ kind: 'invoice', subject: 'INV-1-b', height: 5 });
    expect(Object.fromEntries(r.value.entities.map((e) => [e.id, e.entries.map((x) => x.height)]))).toEqual({ 'INV-1': [1, 2, 3], 'INV-1-a': [3, 4], 'INV-1-b': [3] });
  });

  test('asset and block bundles verify', async () => {
    const client = new LedgerClient({ url: api.url });
    const asset = await exportAssetBundle(client, 'AS-1', opts);
    expect(codeOf(asset)).toBe('ok');
    const blocks = await exportBlocksBundle(client, 1, 4, opts);
    const r = verifyBundle(blocks, genesis);
    expect(r.ok && r.value.blocks).toEqual({ from: 1, to: 4 });
    const gap = structuredClone(blocks);
    gap.blocks!.splice(1, 1);
    expect(codeOf(gap)).not.toBe('ok');
    const forged = structuredClone(blocks);
    forged.blocks![2]!.block.receipts[0]!.ok = false;
    expect(codeOf(forged)).toBe('INCLUSION_PROOF_INVALID');
  });

  test('an incomplete bundle fails: a lineage member, a history page or the last entry left out', () => {
    for (const id of ['INV-1', 'INV-1-a']) {
      const b = structuredClone(invoiceBundle);
      b.invoices = b.invoices!.filter((e) => e.id !== id);
      expect(codeOf(b), id).toBe('BUNDLE_INCOMPLETE');
    }
    const page = structuredClone(invoiceBundle);
    page.invoices!.find((e) => e.id === 'INV-1')!.history.pop();
    expect(codeOf(page)).toBe('BUNDLE_INCOMPLETE');
    const last = structuredClone(invoiceBundle);
    last.invoices!.find((e) => e.id === 'INV-1-a')!.history.at(-1)!.items.pop();
    expect(codeOf(last)).toBe('BUNDLE_INCOMPLETE');
    const other = { ...genesis, chainId: 'other-chain' };
    expect(verifyBundle(invoiceBundle, other).ok ? 'ok' : 'failed').toBe('failed');
    expect(verifyBundle({ ...invoiceBundle, genesisHash: '00'.repeat(32) }, genesis).ok).toBe(false);
  });

  test('member-set changes: admitted with a root the previous members certified, refused without one', () => {
    const s = invoiceBundle.invoices![0]!.proof.state;
    const root = { header: s.header, blockHash: s.blockHash, commitQc: s.commitQc, certifiedHeight: s.certifiedHeight, links: s.links };
    const members = [testKey(201), testKey(202)].map((k) => toHex(k.publicKey));
    const changed = { ...structuredClone(invoiceBundle), memberChanges: [{ epoch: 1, startHeight: s.height + 1, members, root }] };
    const r = verifyBundle(changed, genesis);
    expect(r.ok && r.value.memberChanges, JSON.stringify(r)).toBe(1);
    expect(codeOf({ ...changed, memberChanges: [{ epoch: 1, startHeight: s.height + 1, members }] })).toBe('MEMBER_CHANGE_INVALID');
    // A root that is not the block just before the change's start.
    const early = { ...changed, memberChanges: [{ epoch: 1, startHeight: s.height, members, root }] };
    expect(codeOf(early)).toBe('MEMBER_CHANGE_INVALID');
  });

  // Parts of a bundle that are the node's description, not proven (docs/bundles.md): a changed
  // byte there may pass. Everything else must fail (or not parse).
  // Whitespace between tokens parses to the same bundle and is not counted as a change.
  const UNPROVEN = [
    /^createdAt$/,
    /^invoices\.\d+\.history\.\d+\.items\.\d+\.(type|signer|detail)(\.|$)/,
    /^invoices\.\d+\.history\.\d+\.nextCursor$/,
  ];

  test.each([['indented', 1], ['compact', undefined]])('a byte changed at any of 300+ offsets across the %s bundle fails it, outside the unproven descriptions', (_, indent) => {
    const text = JSON.stringify(invoiceBundle, null, indent);
    const original = JSON.parse(text) as unknown;
    const step = Math.floor(text.length / 320);
    const passed: string[] = [];
    let failed = 0;
    let unparsable = 0;
    let whitespace = 0;
    let unproven = 0;
    let tried = 0;
    for (let at = indent === undefined ? 3 : 7; at < text.length; at += step) {
      const c = text[at] as string;
      tried++;
      const mutated = text.slice(0, at) + mutate(c) + text.slice(at + 1);
      let parsed: unknown;
      try {
        parsed = JSON.parse(mutated);
      } catch {
        unparsable++;
        continue;
      }
      if (!verifyBundle(parsed, genesis).ok) failed++;
      else {
        const changed = diff(original, parsed, '');
        if (changed.length === 0) whitespace++;
        else {
          unproven++;
          passed.push(...changed.map((p) => `${p} @${at}`));
        }
      }
    }
    expect(tried).toBeGreaterThanOrEqual(300);
    const bad = passed.filter((p) => !UNPROVEN.some((re) => re.test(p.replace(/ @\d+$/, ''))));
    expect(bad, `changes that still verified: ${bad.join(', ')}`).toEqual([]);
    // Most changes land in proofs, hashes and signatures.
    // The rest: whitespace between tokens (the same JSON), and a few unproven descriptions.
    expect(unproven).toBeLessThan(tried * 0.05);
    expect(failed + unparsable + whitespace + unproven).toBe(tried);
    expect(failed).toBeGreaterThan(tried / 2);
  });

  test('the CSV has one row per history entry, oldest first, quoted where needed', () => {
    const lines = historyCsv(invoiceBundle).split('\r\n');
    expect(lines[0]).toBe('id,height,time,txHash,type,signer,detail');
    expect(lines.slice(1, -1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['INV-1,1', 'INV-1,2', 'INV-1,3', 'INV-1-a,3', 'INV-1-b,3', 'INV-1-a,4']);
    expect(lines[6]).toContain('"{""to"":""' + 'c'.repeat(64) + '"",""note"":""a \\""quoted\\"", comma""}"');
    expect(lines.at(-1)).toBe('');
    expect([csvField('=HYPERLINK("x")'), csvField('-1'), csvField('a,b'), csvField('plain')]).toEqual([`"'=HYPERLINK(""x"")"`, "'-1", '"a,b"', 'plain']);
  });
});

// A different character of the same class: a digit for a digit, a hex letter for a hex letter,
// a letter for a letter; punctuation and whitespace become whitespace or a letter.
function mutate(c: string): string {
  if (/[0-9]/.test(c)) return String((Number(c) + 1) % 10);
  if (/[a-f]/.test(c)) return c === 'f' ? 'a' : String.fromCharCode(c.charCodeAt(0) + 1);
  if (/[g-zA-Z]/.test(c)) return c === 'z' || c === 'Z' ? 'a' : String.fromCharCode(c.charCodeAt(0) + 1);
  if (c === ' ' || c === '\n') return '\t';
  return 'x';
}

// The paths at which two JSON values differ.
function diff(a: unknown, b: unknown, path: string): string[] {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b ? [] : [path];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((k) => diff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path === '' ? k : `${path}.${k}`));
}
