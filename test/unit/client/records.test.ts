import { describe, expect, test } from 'vitest';
import { accountRecordJson, assetRecordJson, invoiceRecordJson } from '../../../src/api/state-answer.js';
import { decodeAccountRecord, decodeAssetRecord, decodeInvoiceRecord, STATE_KEYS } from '../../../src/client/records.js';
import { pack } from '../../../src/codec/msgpack.js';
import { accountKey } from '../../../src/state/contracts/accounts/keys.js';
import { encodeAccount } from '../../../src/state/contracts/accounts/types.js';
import { assetKey } from '../../../src/state/contracts/asset/keys.js';
import { encodeAsset } from '../../../src/state/contracts/asset/types.js';
import { invoiceKey } from '../../../src/state/contracts/invoice/keys.js';
import { encodeInvoice, type Invoice } from '../../../src/state/contracts/invoice/types.js';

// The SDK decodes contract records itself (src/client/records.ts): on records the executor
// encodes it must agree field by field with the node's own decoding, and it must refuse
// bytes the executor never writes.

const invoice: Invoice = {
  id: 'INV-1-b', seller: 'a'.repeat(64), buyer: 'b'.repeat(64), holder: 'c'.repeat(64), amount: 600n, paid: 0n, currency: 'EUR',
  dueDate: '2027-03-31', fingerprint: 'fp:1', status: 'financed', frozen: true, frozenReason: 'court order', financier: 'd'.repeat(64),
  advance: 550n, parent: 'INV-1', root: 'INV-1', offset: 400n, parts: [], createdHeight: 7, updatedHeight: 9,
};

describe('SDK record decoders', () => {
  test('agree with the node on records the executor encodes', () => {
    const bytes = encodeInvoice(invoice);
    expect(decodeInvoiceRecord(bytes)).toEqual(invoiceRecordJson(bytes));
    expect(decodeInvoiceRecord(bytes)).toMatchObject({ amount: '600', advance: '550', offset: '400', frozenReason: 'court order' });
    const asset = encodeAsset({
      id: 'AS-1', kind: 'receipt', fingerprint: 'doc:1', metadata: { none: null, ok: true, site: 'Hamburg', tons: 12 }, owner: 'a'.repeat(64),
      pledgee: null, frozen: false, frozenReason: null, registeredBy: 'a'.repeat(64), createdHeight: 3, updatedHeight: 3,
    });
    expect(decodeAssetRecord(asset)).toEqual(assetRecordJson(asset));
    const account = encodeAccount({ id: 'e'.repeat(64), publicKey: 'f'.repeat(64), name: 'buyer', role: 'integrator', nextNonce: 4 });
    expect(decodeAccountRecord(account)).toEqual(accountRecordJson(account));
  });

  test('spell the same state keys as the contracts', () => {
    expect(STATE_KEYS.invoice('X')).toBe(invoiceKey('X'));
    expect(STATE_KEYS.asset('X')).toBe(assetKey('X'));
    expect(STATE_KEYS.account('X')).toBe(accountKey('X'));
  });

  test('refuse records of the wrong shape, type or encoding', () => {
    const fields = [...(decodeRaw(encodeInvoice(invoice)))];
    expect(() => decodeInvoiceRecord(pack(fields.slice(0, 19)))).toThrow(/expected 20 elements/);
    expect(() => decodeInvoiceRecord(pack(fields.map((f, i) => (i === 4 ? 600 : f))))).toThrow(/invoice.amount/);
    expect(() => decodeInvoiceRecord(pack(fields.map((f, i) => (i === 9 ? 'stolen' : f))))).toThrow(/invoice.status/);
    expect(() => decodeAccountRecord(pack(['e'.repeat(64), 'F'.repeat(64), 'x', 'integrator', 0]))).toThrow(/account.publicKey/);
    expect(() => decodeAssetRecord(pack(['AS', 'k', 'f', [1], 'a', null, false, null, 'a', 1, 1]))).toThrow(/asset.metadata/);
    const bytes = encodeInvoice(invoice);
    expect(() => decodeInvoiceRecord(Uint8Array.of(...bytes, 0xc0))).toThrow();
  });
});

function decodeRaw(bytes: Uint8Array): unknown[] {
  const j = invoiceRecordJson(bytes);
  return [j.id, j.seller, j.buyer, j.holder, j.amount, j.paid, j.currency, j.dueDate, j.fingerprint, j.status, j.frozen, j.frozenReason, j.financier, j.advance, j.parent, j.root, j.offset, j.parts, j.createdHeight, j.updatedHeight];
}
