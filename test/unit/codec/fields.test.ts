import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BLOCK_LIMITS, DecodeError, PAYLOAD_LIMITS, blockTuple, canonicalPayload, decodeBlock, decodeHeader, decodeQuorumCert,
  decodeReceipt, decodeTimeoutCert, decodeTxEnvelope, encodeHeader, genesisFromJson, genesisToJson, headerTuple,
  normaliseTxEnvelope, pack, qcTuple, tcTuple,
} from '../../../src/codec/index.js';
import type { BlockHeader } from '../../../src/types/block.js';
import { fixedKey } from './golden-suites.js';

// Shape and range checks: canonical bytes of the wrong shape are DECODE_BAD_FIELD, naming the field.

function badField(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof DecodeError && e.code === 'DECODE_BAD_FIELD') return String(e.fields['field']);
    throw e;
  }
  throw new Error('accepted');
}

const H = new Uint8Array(32).fill(1);
const SIG = new Uint8Array(64).fill(2);
const HEADER: BlockHeader = {
  chainId: 'c', epoch: 0, height: 1, view: 1, parentHash: H, txRoot: H, stateRoot: H, receiptsRoot: H,
  proposer: 0, timestampMs: 1, parentQc: null,
};
const header = (patch: Record<number, unknown>): Uint8Array => {
  const t = headerTuple(HEADER);
  for (const [i, v] of Object.entries(patch)) t[Number(i)] = v;
  return pack(t);
};

describe('canonicalPayload', () => {
  it('sorts keys at every level and keeps values', () => {
    const p = canonicalPayload({ b: 1, a: { d: [true, null], c: 'x' } });
    expect(JSON.stringify(p)).toBe('{"a":{"c":"x","d":[true,null]},"b":1}');
    expect(Object.is(canonicalPayload({ z: -0 })['z'], 0)).toBe(true);
    expect(canonicalPayload(Object.assign(Object.create(null) as object, { a: 1 }))).toEqual({ a: 1 });
  });

  it.each([
    ['float', { a: 1.5 }], ['unsafe integer', { a: 2 ** 53 }], ['NaN', { a: Number.NaN }], ['bytes', { a: new Uint8Array(1) }],
    ['undefined', { a: undefined }], ['Date', { a: new Date(0) }], ['bigint', { a: 1n }], ['bad key', { '1a': 1 }],
    ['dollar key', { $bytes: 'x' }], ['lone surrogate', { a: '\ud800' }], ['long string', { a: 'x'.repeat(PAYLOAD_LIMITS.maxString + 1) }],
    ['long array', { a: new Array(PAYLOAD_LIMITS.maxArray + 1).fill(0) }],
    ['too many keys', Object.fromEntries(Array.from({ length: PAYLOAD_LIMITS.maxKeys + 1 }, (_, i) => [`k${i}`, i]))],
    ['too deep', { a: { b: { c: { d: {} } } } }], ['not an object', [1]], ['null', null], ['class instance', new Map()],
  ])('refuses %s with DECODE_BAD_FIELD', (_name, value) => {
    expect(badField(() => canonicalPayload(value))).toMatch(/^payload/);
  });

  it('never throws anything but DecodeError on arbitrary values', () => {
    fc.assert(fc.property(fc.anything({ withBigInt: true, withDate: true, withTypedArray: true, withMap: true, withNullPrototype: true }), (v) => {
      try {
        canonicalPayload(v);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
      }
    }), { numRuns: 2_000 });
  });
});

describe('decoder field checks', () => {
  it('header fields: lengths, ranges, formats and arity', () => {
    expect(badField(() => decodeHeader(header({ 4: new Uint8Array(31) })))).toBe('header.parentHash');
    expect(badField(() => decodeHeader(header({ 2: 0 })))).toBe('header.height');
    expect(badField(() => decodeHeader(header({ 8: BLOCK_LIMITS.maxMembers })))).toBe('header.proposer');
    expect(badField(() => decodeHeader(header({ 0: 'bad chain id' })))).toBe('header.chainId');
    expect(badField(() => decodeHeader(header({ 9: -1 })))).toBe('header.timestampMs');
    expect(badField(() => decodeHeader(header({ 1: 'x' })))).toBe('header.epoch');
    expect(badField(() => decodeHeader(pack(headerTuple(HEADER).slice(0, 10))))).toBe('header');
    expect(badField(() => decodeHeader(pack({ a: 1 })))).toBe('header');
    expect(decodeHeader(encodeHeader(HEADER))).toEqual(HEADER);
  });

  it('certificates: members strictly increasing and bounded, signatures 64 bytes', () => {
    const data = { epoch: 0, view: 1, height: 1, blockHash: H, parentView: 0, parentHash: H };
    const qc = (members: number[]) => pack(qcTuple({ data, signatures: members.map((member) => ({ member, signature: SIG })) }));
    expect(badField(() => decodeQuorumCert(qc([1, 0])))).toBe('qc.signatures');
    expect(badField(() => decodeQuorumCert(qc([2, 2])))).toBe('qc.signatures');
    expect(badField(() => decodeQuorumCert(qc([BLOCK_LIMITS.maxMembers])))).toBe('qc.member');
    expect(badField(() => decodeQuorumCert(pack([qcTuple({ data, signatures: [] })[0], [[0, SIG.subarray(1)]]])))).toBe('qc.signature');
    const many = Array.from({ length: BLOCK_LIMITS.maxMembers + 1 }, (_, i) => [i, SIG]);
    expect(badField(() => decodeQuorumCert(pack([qcTuple({ data, signatures: [] })[0], many])))).toBe('qc.signatures');
    const tc = (members: number[]) => pack(tcTuple({ epoch: 0, view: 1, signatures: members.map((member) => ({ member, highQcView: 0, signature: SIG })), highQc: null }));
    expect(badField(() => decodeTimeoutCert(tc([3, 1])))).toBe('tc.signatures');
  });

  it('blocks: transaction count and transaction size are bounded', () => {
    const tooMany = pack([headerTuple(HEADER), new Array(BLOCK_LIMITS.maxTxs + 1).fill(new Uint8Array(0))]);
    expect(badField(() => decodeBlock(tooMany))).toBe('block.txs');
    const bigTx = pack(blockTuple({ header: HEADER, txs: [new Uint8Array(16 * 1024 + 1)] }));
    expect(badField(() => decodeBlock(bigTx))).toBe('block.txs[0]');
    expect(badField(() => decodeBlock(pack([headerTuple(HEADER), ['not bytes']])))).toBe('block.txs[0]');
  });

  it('transactions: chain id, type, key and signature lengths', () => {
    const tx = (patch: Record<number, unknown>) => {
      const t: unknown[] = ['c', 'invoice.issue', H, 0, {}, SIG];
      for (const [i, v] of Object.entries(patch)) t[Number(i)] = v;
      return pack(t);
    };
    expect(decodeTxEnvelope(tx({})).type).toBe('invoice.issue');
    expect(badField(() => decodeTxEnvelope(tx({ 0: '' })))).toBe('chainId');
    expect(badField(() => decodeTxEnvelope(tx({ 1: 'Invoice.Issue' })))).toBe('type');
    expect(badField(() => decodeTxEnvelope(tx({ 2: new Uint8Array(33) })))).toBe('signer');
    expect(badField(() => decodeTxEnvelope(tx({ 3: -1 })))).toBe('nonce');
    expect(badField(() => decodeTxEnvelope(tx({ 4: [] })))).toBe('payload');
    expect(badField(() => decodeTxEnvelope(tx({ 5: new Uint8Array(63) })))).toBe('signature');
    expect(badField(() => decodeTxEnvelope(pack(['c', 'invoice.issue', H, 0, {}])))).toBe('tx');
  });

  it('receipts: detail values are strings or integers', () => {
    expect(badField(() => decodeReceipt(pack([H, false, 'X', { a: [1] }])))).toBe('receipt.detail');
    expect(badField(() => decodeReceipt(pack([H, 'yes', null, null])))).toBe('receipt.ok');
  });

  it('normaliseTxEnvelope validates API input the same way', () => {
    const ok = { chainId: 'c', type: 'invoice.issue', signer: H, nonce: 1, payload: { b: 1, a: 2 }, signature: SIG };
    expect(Object.keys(normaliseTxEnvelope(ok).payload)).toEqual(['a', 'b']);
    expect(badField(() => normaliseTxEnvelope({ ...ok, nonce: 1.5 }))).toBe('nonce');
    expect(badField(() => normaliseTxEnvelope({ ...ok, signer: 'ab' }))).toBe('signer');
  });
});

describe('genesis JSON', () => {
  const json = genesisToJson({
    chainId: 'c', genesisTimeMs: 1,
    consensus: { viewTimeoutMs: 1000, maxViewTimeoutMs: 8000, maxBlockTxs: 100, maxBlockBytes: 1 << 20, heartbeatMinutes: 0 },
    members: [{ name: 'm1', publicKey: fixedKey(1).publicKey, address: '/ip4/127.0.0.1/tcp/1' }],
    accounts: [{ name: 'a1', publicKey: fixedKey(2).publicKey, role: 'auditor' }],
  }) as Record<string, unknown>;
  const members = json['members'] as Record<string, unknown>[];
  const accounts = json['accounts'] as Record<string, unknown>[];

  it.each([
    ['not an object', 'x', 'genesis'],
    ['no members', { ...json, members: [] }, 'members'],
    ['bad key hex', { ...json, members: [{ ...members[0], publicKey: 'zz' }] }, 'members[0].publicKey'],
    ['duplicate key', { ...json, accounts: [{ ...accounts[0], publicKey: members[0]?.['publicKey'] }] }, 'publicKey'],
    ['unknown role', { ...json, accounts: [{ ...accounts[0], role: 'admin' }] }, 'role'],
    ['timeout too small', { ...json, consensus: { ...(json['consensus'] as object), viewTimeoutMs: 1 } }, 'consensus.viewTimeoutMs'],
    ['bad name', { ...json, members: [{ ...members[0], name: 'has space' }] }, 'members[0].name'],
    ['heartbeat over a day', { ...json, consensus: { ...(json['consensus'] as object), heartbeatMinutes: 1441 } }, 'consensus.heartbeatMinutes'],
    ['the retired emptyBlockIntervalMs next to heartbeatMinutes', { ...json, consensus: { ...(json['consensus'] as object), emptyBlockIntervalMs: 500 } }, 'consensus.emptyBlockIntervalMs'],
  ])('refuses %s, naming the field', (_name, value, field) => {
    expect(badField(() => genesisFromJson(value))).toBe(field);
  });

  it('never throws anything but DecodeError on arbitrary JSON', () => {
    fc.assert(fc.property(fc.oneof(fc.jsonValue(), fc.record({ members: fc.jsonValue(), consensus: fc.jsonValue(), chainId: fc.jsonValue() })), (v) => {
      try {
        genesisFromJson(v);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
      }
    }), { numRuns: 2_000 });
  });
});
