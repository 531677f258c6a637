import { signingKeyFromSeed } from '../crypto/ed25519.js';
import { signTx, txHash } from '../crypto/tx.js';
import type { Payload } from '../types/primitives.js';
import { toHex } from '../util/bytes.js';
import type { PayloadSchemaType } from './schemas/tx-payloads.js';

// Examples for the OpenAPI document: one signed transaction of every type (signed at first use
// with a fixed, published seed, so each example is a body the node would decode and verify)
// and one answer of every route. test/unit/api/openapi.test.ts validates each against its schema.

const SEED = new Uint8Array(32).fill(7);
const CHAIN = 'example-chain';
const K1 = 'a1'.repeat(32);
const K2 = 'b2'.repeat(32);
const H = (n: number): string => n.toString(16).padStart(2, '0').repeat(32);

/** A payload of every type, valid for its contract. */
export const EXAMPLE_PAYLOADS: Record<PayloadSchemaType, Payload> = {
  'account.register': { publicKey: K1, role: 'integrator', name: 'acme-bank' },
  'account.rotate': { newPublicKey: K2 },
  'account.setrole': { account: K1, role: 'auditor' },
  'member.propose': { action: 'add', member: { name: 'node-5', publicKey: K1, address: '/ip4/10.0.0.5/tcp/9080' } },
  'member.vote': { proposalId: H(9), approve: true },
  'invoice.issue': { id: 'INV-2026-0001', buyer: K1, amount: '125000', currency: 'CNY', dueDate: '2026-12-31', fingerprint: 'sha256-3f1a' },
  'invoice.accept': { id: 'INV-2026-0001' },
  'invoice.transfer': { id: 'INV-2026-0001', to: K2 },
  'invoice.split': { id: 'INV-2026-0001', parts: [{ id: 'INV-2026-0001.a', to: K1, amount: '75000' }, { id: 'INV-2026-0001.b', to: K2, amount: 50000 }] },
  'invoice.finance': { id: 'INV-2026-0001', financier: K2, advance: '100000' },
  'invoice.fund': { id: 'INV-2026-0001' },
  'invoice.decline': { id: 'INV-2026-0001' },
  'invoice.withdraw': { id: 'INV-2026-0001', financier: K2 },
  'invoice.repay': { id: 'INV-2026-0001' },
  'invoice.pay': { id: 'INV-2026-0001', amount: '125000' },
  'invoice.cancel': { id: 'INV-2026-0001' },
  'invoice.freeze': { id: 'INV-2026-0001', reason: 'court order 42' },
  'invoice.unfreeze': { id: 'INV-2026-0001', reason: 'order lifted' },
  'asset.register': { id: 'WR-SH3-0042', kind: 'warehouse-receipt', fingerprint: 'sha256-77c0', metadata: { warehouse: 'SH-3', tonnes: 40 } },
  'asset.transfer': { id: 'WR-SH3-0042', to: K2 },
  'asset.pledge': { id: 'WR-SH3-0042', to: K2 },
  'asset.release': { id: 'WR-SH3-0042' },
  'asset.freeze': { id: 'WR-SH3-0042', reason: 'inspection' },
  'asset.unfreeze': { id: 'WR-SH3-0042', reason: '' },
};

let signed: Record<string, Record<string, unknown>> | null = null;

/** A signed POST /v1/transactions body of every type, by type. */
export function exampleSubmissions(): Record<string, Record<string, unknown>> {
  if (signed !== null) return signed;
  const key = signingKeyFromSeed(SEED);
  signed = {};
  for (const [type, payload] of Object.entries(EXAMPLE_PAYLOADS)) {
    const tx = signTx(key, { chainId: CHAIN, type, nonce: 7, payload });
    signed[type] = { chainId: tx.chainId, type: tx.type, signer: toHex(tx.signer), nonce: tx.nonce, payload: tx.payload, signature: toHex(tx.signature) };
  }
  return signed;
}

function exampleTx(): Record<string, unknown> {
  const key = signingKeyFromSeed(SEED);
  const tx = signTx(key, { chainId: CHAIN, type: 'invoice.issue', nonce: 7, payload: EXAMPLE_PAYLOADS['invoice.issue'] });
  return { hash: toHex(txHash(tx)), ...exampleSubmissions()['invoice.issue'] };
}

const qc = { data: { epoch: 0, view: 12, height: 12, blockHash: H(12), parentView: 11, parentHash: H(11) }, signatures: [0, 1, 2].map((member) => ({ member, signature: H(member + 1).repeat(2) })) };
const header = (height: number) => ({
  chainId: CHAIN, epoch: 0, height, view: height, parentHash: H(height - 1), txRoot: H(0x20), stateRoot: H(0x30), receiptsRoot: H(0x40),
  proposer: height % 4, timestampMs: 1_767_225_600_000 + height * 1000, parentQc: null,
});
const finality = { header: header(12), blockHash: H(12), commitQc: qc, certifiedHeight: 12, links: [] };
const invoice = {
  id: 'INV-2026-0001', seller: K2, buyer: K1, holder: K2, amount: '125000', paid: '0', currency: 'CNY', dueDate: '2026-12-31',
  fingerprint: 'sha256-3f1a', status: 'accepted', frozen: false, financier: null, advance: null, parent: null, children: [], issuedHeight: 10, updatedHeight: 12,
};
const asset = {
  id: 'WR-SH3-0042', kind: 'warehouse-receipt', fingerprint: 'sha256-77c0', metadata: { warehouse: 'SH-3', tonnes: 40 }, owner: K2,
  pledgee: null, frozen: false, freezeReason: null, registeredHeight: 9, updatedHeight: 9,
};
const history = { height: 10, txHash: H(0x50), type: 'invoice.issued', signer: K2, timestampMs: 1_767_225_610_000, detail: { amount: '125000' } };
const block = () => ({ hash: H(12), header: header(12), txs: [exampleTx()], receipts: [{ hash: String(exampleTx()['hash']), ok: true, code: null, detail: null }], commitQc: qc, certifiedHeight: 12 });
const member = (index: number) => ({ index, name: `node-${index}`, publicKey: H(0x60 + index), address: `/ip4/10.0.0.${index + 1}/tcp/9080` });

/** The example answer of each route's success status, keyed `METHOD path status`. */
export function exampleAnswers(): Record<string, unknown> {
  const tx = exampleTx();
  const committed = { hash: tx['hash'], status: 'committed', tx, height: 12, index: 0, receipt: { hash: tx['hash'], ok: true, code: null, detail: null }, proof: { index: 0, size: 1, siblings: [] }, ...finality };
  return {
    'GET /v1/status 200': { chainId: CHAIN, node: 'node-0', height: 12, headHash: H(12), view: 12, epoch: 0, members: 4, peersConnected: 3, ready: true, syncing: false, validator: true, version: '0.1.0', commit: 'c23f9c1' },
    'GET /v1/genesis 200': {
      chainId: CHAIN, genesisTimeMs: 1_767_225_600_000,
      consensus: { viewTimeoutMs: 2000, maxViewTimeoutMs: 30000, maxBlockTxs: 5000, maxBlockBytes: 4_194_304, emptyBlockIntervalMs: 1000 },
      members: [0, 1, 2, 3].map((i) => ({ name: `node-${i}`, publicKey: H(0x60 + i), address: `/ip4/10.0.0.${i + 1}/tcp/9080` })),
      accounts: [{ name: 'supplier', publicKey: K2, role: 'integrator' }, { name: 'buyer', publicKey: K1, role: 'integrator' }],
    },
    'POST /v1/transactions 202': { hash: tx['hash'] },
    'POST /v1/transactions 200': committed,
    'GET /v1/transactions/{hash} 200': committed,
    'GET /v1/transactions/{hash} 404': { error: { code: 'TX_UNKNOWN', message: 'unknown transaction' }, hash: H(0x51), status: 'unknown' },
    'GET /v1/blocks/latest 200': block(),
    'GET /v1/blocks/{height} 200': block(),
    'GET /v1/blocks 200': { items: [block()], nextCursor: 'b.AAAAAAAAAAw' },
    'GET /v1/invoices/{id} 200': invoice,
    'GET /v1/invoices 200': { items: [invoice], nextCursor: null },
    'GET /v1/invoices/{id}/history 200': { id: invoice.id, items: [history], nextCursor: null },
    'GET /v1/assets/{id} 200': asset,
    'GET /v1/assets 200': { items: [asset], nextCursor: null },
    'GET /v1/assets/{id}/history 200': { id: asset.id, items: [{ ...history, type: 'asset.registered', detail: {} }], nextCursor: null },
    'GET /v1/accounts/{publicKey} 200': { publicKey: K2, name: 'supplier', role: 'integrator', nextNonce: 8 },
    'GET /v1/members 200': { epoch: 0, members: [0, 1, 2, 3].map(member) },
    'GET /v1/proofs/state 200': {
      key: '696e762f494e562d323032362d30303031', value: 'c0', stateRoot: H(0x30), height: 12,
      proof: { key: '696e762f494e562d323032362d30303031', value: 'c0', siblings: [H(0x70)], otherLeaf: null }, ...finality,
    },
    'GET /v1/events 200': `event: block\nid: 12\ndata: ${JSON.stringify({ height: 12, hash: H(12), view: 12, timestampMs: 1_767_225_612_000, txs: [{ hash: tx['hash'], type: 'invoice.issue', signer: tx['signer'], status: 'committed', code: null }] })}\n\n`,
    'GET /metrics 200': '# HELP ledger_chain_height Latest committed height\n# TYPE ledger_chain_height gauge\nledger_chain_height 12\n',
  };
}
