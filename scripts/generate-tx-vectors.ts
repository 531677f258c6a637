// Writes test/fixtures/vectors/<type>.json: one signed transaction of every type, with the key
// seed, the envelope as POST /v1/transactions takes it, and every intermediate byte string of
// docs/transactions.md (body, signed message, envelope), the hash and the signature.
//   npx tsx scripts/generate-tx-vectors.ts
// test/unit/codec/tx-vectors.test.ts checks each file against the codec, and
// examples/python/check_vectors.py reproduces each byte for byte from the seed and the fields.
// Regenerating changes nothing unless the wire format changed; commit a diff only on purpose.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { txToJson } from '../src/client/build-tx.js';
import { DOMAIN_TX_V1, signingBytes } from '../src/codec/domains.js';
import { encodeTxBody, encodeTxEnvelope } from '../src/codec/tx.js';
import { signingKeyFromSeed } from '../src/crypto/ed25519.js';
import { sha256 } from '../src/crypto/hash.js';
import { signTx, txHash } from '../src/crypto/tx.js';
import { payloadProblem, TX_TYPES } from '../src/state/contracts/registry.js';
import type { Payload } from '../src/types/primitives.js';
import { toHex, utf8 } from '../src/util/bytes.js';

const DIR = fileURLToPath(new URL('../test/fixtures/vectors/', import.meta.url));
const CHAIN_ID = 'vector-chain-1';

/** A deterministic key per name: seed = sha256("ledger-tx-vector:" + name). */
function seedOf(name: string): Uint8Array {
  return sha256(utf8(`ledger-tx-vector:${name}`));
}
const account = (name: string): string => toHex(signingKeyFromSeed(seedOf(name)).publicKey);
const BUYER = account('buyer');
const FINANCIER = account('financier');

// Payloads chosen to cover the encoding's corners: every integer width (fixint, uint8..uint32,
// int8..int32, int64 beyond 32 bits), str8 and str16, UTF-8 beyond ASCII, nested maps and
// arrays, booleans and null, keys that sort differently from the order written here.
const SAMPLES: Record<string, { nonce: number; payload: Payload; note: string }> = {
  'account.register': { nonce: 0, payload: { role: 'integrator', publicKey: account('acme-erp'), name: 'acme-erp' }, note: 'a member registers an integrator' },
  'account.rotate': { nonce: 1, payload: { newPublicKey: account('supplier-2027') }, note: 'the account itself rotates to a new key' },
  'account.setrole': { nonce: 126, payload: { role: 'auditor', account: account('acme-erp') }, note: 'a member demotes an integrator to auditor' },
  'member.propose': {
    nonce: 127, payload: { member: { publicKey: account('bank-5'), name: 'bank-5', address: '/dns4/bank5.example/tcp/9080' }, action: 'add' },
    note: 'nested map: keys sorted at every level',
  },
  'member.vote': { nonce: 128, payload: { proposalId: toHex(sha256(utf8('a member.propose'))), approve: true }, note: 'a boolean; nonce 128 is uint8' },
  'invoice.issue': {
    nonce: 255,
    payload: { id: 'INV-2026-0001', buyer: BUYER, amount: '9223372036854775807', currency: 'CNY', dueDate: '2027-06-30', fingerprint: 'tax-91440300-0001' },
    note: 'the largest amount, as a decimal string',
  },
  'invoice.accept': { nonce: 256, payload: { id: 'INV-2026-0001' }, note: 'nonce 256 is uint16' },
  'invoice.transfer': { nonce: 65535, payload: { id: 'INV-2026-0001', to: FINANCIER }, note: 'largest uint16 nonce' },
  'invoice.split': {
    nonce: 65536,
    payload: { id: 'INV-2026-0001', parts: [{ id: 'INV-2026-0001.a', to: BUYER, amount: '60000' }, { id: 'INV-2026-0001.b', to: FINANCIER, amount: 40000 }] },
    note: 'an array of maps; an amount may also be a safe integer (uint16 here); nonce 65536 is uint32',
  },
  'invoice.finance': { nonce: 4294967295, payload: { id: 'INV-2026-0001.a', financier: FINANCIER, advance: '55000' }, note: 'largest uint32 nonce' },
  'invoice.fund': { nonce: 11, payload: { id: 'INV-2026-0001.a' }, note: 'the financier accepts the holder\'s request' },
  'invoice.decline': { nonce: 12, payload: { id: 'INV-2026-0001.b' }, note: 'the financier declines a request' },
  'invoice.withdraw': { nonce: 13, payload: { id: 'INV-2026-0001.b', financier: FINANCIER }, note: 'the holder withdraws its request' },
  'invoice.repay': { nonce: 4294967296, payload: { id: 'INV-2026-0001.a' }, note: 'nonce 2^32 is written as int64 (0xd3), never uint64 or float' },
  'invoice.pay': { nonce: 9007199254740991, payload: { id: 'INV-2026-0001.a', amount: 4294967296 }, note: 'largest safe nonce; an int64 amount' },
  'invoice.cancel': { nonce: 2, payload: { id: 'INV-2026-0002' }, note: '' },
  'invoice.freeze': { nonce: 3, payload: { id: 'INV-2026-0002', reason: 'court order 2026/17 — 冻结' }, note: 'UTF-8 beyond ASCII' },
  'invoice.unfreeze': { nonce: 4, payload: { id: 'INV-2026-0002' }, note: 'the optional reason left out' },
  'asset.register': {
    nonce: 5,
    payload: {
      id: 'WR-SH3-0042', kind: 'warehouse-receipt', fingerprint: 'sha256:9f2c4e1d0b7a',
      metadata: {
        tons: 40, lots: [0, 127, 128, 255, 256, -1, -32, -33, -128, -129, -32768, -32769, 2147483648, -2147483649, 70000, -70000], insured: true,
        inspector: null, place: '上海 外高桥 保税区', remark: 'r'.repeat(300), grade: { class: 'A', moisture: 12 },
      },
    },
    note: 'metadata covers every integer width, str16 and null',
  },
  'asset.transfer': { nonce: 6, payload: { id: 'WR-SH3-0042', to: BUYER }, note: '' },
  'asset.pledge': { nonce: 7, payload: { id: 'WR-SH3-0042', to: FINANCIER }, note: '' },
  'asset.release': { nonce: 8, payload: { id: 'WR-SH3-0042' }, note: '' },
  'asset.freeze': { nonce: 9, payload: { id: 'WR-SH3-0042', reason: '' }, note: 'an empty string' },
  'asset.unfreeze': { nonce: 10, payload: { id: 'WR-SH3-0042', reason: 'cleared by inspection' }, note: '' },
};

mkdirSync(DIR, { recursive: true });
for (const type of TX_TYPES) {
  const sample = SAMPLES[type];
  if (sample === undefined) throw new Error(`no sample payload for ${type}: add one to SAMPLES`);
  const problem = payloadProblem(type, sample.payload);
  if (problem !== null) throw new Error(`${type}: sample payload refused: ${problem.field}: ${problem.reason}`);
  const seed = seedOf(`signer:${type}`);
  const key = signingKeyFromSeed(seed);
  const tx = signTx(key, { chainId: CHAIN_ID, type, nonce: sample.nonce, payload: sample.payload });
  const body = encodeTxBody(tx);
  const vector = {
    type,
    note: sample.note,
    warning: 'Generated by scripts/generate-tx-vectors.ts; docs/transactions.md explains each field. Change only when the wire format changes on purpose.',
    seed: toHex(seed),
    publicKey: toHex(key.publicKey),
    envelope: txToJson(tx),
    bodyHex: toHex(body),
    signingMessageHex: toHex(signingBytes(DOMAIN_TX_V1, CHAIN_ID, body)),
    hash: toHex(txHash(tx)),
    signature: toHex(tx.signature),
    envelopeHex: toHex(encodeTxEnvelope(tx)),
  };
  writeFileSync(`${DIR}${type}.json`, JSON.stringify(vector, null, 2) + '\n');
}
console.log(`${TX_TYPES.length} vectors written to ${DIR}`);
