import { runInContext, createContext } from 'node:vm';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { encodeInvoice, type Invoice } from '../../../src/state/contracts/invoice/types.js';
import { toHex, utf8 } from '../../../src/util/bytes.js';
import { sampleInvoice } from '../api/fake-node.js';
import { startApi, type RunningApi } from '../api/harness.js';

// The SDK's verifiers run in a browser: src/client/verifiers.ts bundles for the browser
// platform with nothing external (so no node: module is reachable), and the bundle, run in a
// bare realm without Buffer, process or require, verifies a real answer of the API and
// refuses a tampered one.

const invoice: Invoice = {
  id: 'INV-B1', seller: 'a'.repeat(64), buyer: 'b'.repeat(64), holder: 'a'.repeat(64), amount: 1000n, paid: 0n, currency: 'EUR',
  dueDate: '2027-03-31', fingerprint: 'fp:B1', status: 'accepted', frozen: false, frozenReason: null, financier: null, advance: null,
  parent: null, root: 'INV-B1', offset: 0n, parts: [], createdHeight: 1, updatedHeight: 1,
};

let api: RunningApi;
let bundle: string;

beforeAll(async () => {
  api = await startApi();
  const chain = api.node.chain;
  chain.state = chain.state.update([[utf8('inv/INV-B1'), encodeInvoice(invoice)]]);
  api.node.invoices.set('INV-B1', sampleInvoice('INV-B1'));
  api.node.commitPending();
  const out = await build({ entryPoints: ['src/client/verifiers.ts'], bundle: true, platform: 'browser', format: 'iife', globalName: 'LedgerVerifiers', write: false, logLevel: 'silent' });
  bundle = out.outputFiles[0]!.text;
}, 60_000);
afterAll(() => api.close());

describe('src/client/verifiers.ts in a browser realm', () => {
  test('bundles with no node: module and verifies a real answer without Node globals', async () => {
    expect(bundle).not.toMatch(/require\(["']node:/);
    const answer = await (await fetch(`${api.url}/v1/invoices/INV-B1?proof=true`)).text();
    const realm = createContext({ TextEncoder, TextDecoder, answer, members: api.node.chain.members.map((m) => toHex(m.publicKey)) });
    expect(runInContext('[typeof Buffer, typeof process, typeof require]', realm)).toEqual(['undefined', 'undefined', 'undefined']);
    runInContext(bundle, realm);
    const check = (tamper: string): { ok: boolean; value?: { amount: string }; error?: { code: string } } =>
      JSON.parse(runInContext(`(() => {
        const a = JSON.parse(answer);
        ${tamper}
        const keys = members.map((h) => ({ publicKey: new Uint8Array(h.match(/../g).map((x) => parseInt(x, 16))) }));
        const r = LedgerVerifiers.verifyInvoice(a, 'INV-B1', keys);
        return JSON.stringify(r.ok ? { ok: true, value: r.value.value } : r);
      })()`, realm) as string);
    expect(check('')).toMatchObject({ ok: true, value: { id: 'INV-B1', amount: '1000', status: 'accepted' } });
    expect(check("a.value.amount = '999';")).toMatchObject({ ok: false, error: { code: 'VALUE_MISMATCH' } });
    expect(check("a.state.value = a.state.proof.value = a.state.value.replace(/.$/, (c) => (c === '0' ? '1' : '0'));")).toMatchObject({ ok: false, error: { code: 'STATE_PROOF_INVALID' } });
    expect(check("a.state.header.stateRoot = a.state.header.stateRoot.replace(/^./, (c) => (c === '0' ? '1' : '0'));")).toMatchObject({ ok: false, error: { code: 'BLOCK_HASH_MISMATCH' } });
    expect(check("a.state.commitQc.signatures[0].signature = a.state.commitQc.signatures[0].signature.replace(/^./, (c) => (c === '0' ? '1' : '0'));")).toMatchObject({ ok: false, error: { code: 'QC_SIGNATURE_INVALID' } });
  });
});
