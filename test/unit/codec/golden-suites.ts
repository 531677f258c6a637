import {
  DOMAIN_PROPOSAL_V1, DOMAIN_TIMEOUT_V1, DOMAIN_TX_V1, DOMAIN_VOTE_V1,
  decodeBlock, decodeCommittedBlock, decodeHeader, decodeQuorumCert, decodeReceipt, decodeTimeoutCert,
  decodeTxBody, decodeTxEnvelope, encodeBlock, encodeCommittedBlock, encodeGenesis, encodeHeader,
  encodeQuorumCert, encodeReceipt, encodeTimeoutCert, encodeTimeoutData, encodeTxBody, encodeTxEnvelope,
  encodeVoteData, genesisFromJson, genesisToJson, readInt, readTuple, signingBytes, unpackCanonical, voteDataFromTuple,
} from '../../../src/codec/index.js';
import { sha256 } from '../../../src/crypto/hash.js';
import { signMessage, signingKeyFromSeed, type SigningKey } from '../../../src/crypto/ed25519.js';
import { signTx } from '../../../src/crypto/tx.js';
import type { BlockHeader, CommittedBlock, QuorumCert, TimeoutCert, VoteData } from '../../../src/types/block.js';
import { toHex, utf8 } from '../../../src/util/bytes.js';

// The inputs of test/fixtures/codec/*.json. golden.test.ts checks the files against these and
// rewrites them under UPDATE_GOLDEN=1. Every value is deterministic: keys come from fixed
// seeds and ed25519 signatures are deterministic, so regenerating without a change to the
// encoders reproduces the files byte for byte.

/** One wire type: its vectors and its codec. `decode` is null when only JSON round-trips (genesis). */
export interface GoldenSuite<T> {
  readonly file: string;
  readonly description: string;
  readonly vectors: readonly { readonly name: string; readonly value: T }[];
  readonly encode: (value: T) => Uint8Array;
  readonly decode: ((bytes: Uint8Array) => T) | null;
}

/** Deterministic key number `i` (seed = 32 bytes of i). */
export function fixedKey(i: number): SigningKey {
  return signingKeyFromSeed(new Uint8Array(32).fill(i));
}

const CHAIN = 'scf-consortium-1';
const hashOf = (label: string): Uint8Array => sha256(utf8(label));
const KEYS = [fixedKey(1), fixedKey(2), fixedKey(3), fixedKey(4)] as const;
const key = (i: number): SigningKey => KEYS[i] as SigningKey;
// 2026-01-01T00:00:00Z: above 2^32, so vectors pin the int64 form of large integers.
const T0 = 1_767_225_600_000;

const TX_SIMPLE = signTx(key(0), {
  chainId: CHAIN, type: 'invoice.issue', nonce: 0,
  payload: { amount: '125000', currency: 'EUR', debtor: 'acme', id: 'INV-1' },
});
const TX_EDGES = signTx(key(1), {
  chainId: 'a.B_c:1-2', type: 'asset.register', nonce: Number.MAX_SAFE_INTEGER,
  payload: {
    zeta: null, alpha: true, beta: false, empty: '', unicode: 'Grüße, 世界 🚀',
    ints: [0, 1, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, -1, -32, -33, -128, -129,
      -32768, -32769, -2147483648, -2147483649, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER],
    nested: { list: [[], {}, ['x', 1]], n: 7 },
    long: 'L'.repeat(300),
  },
});

function voteData(view: number, height: number, parentView: number): VoteData {
  return { epoch: 0, view, height, blockHash: hashOf(`block-${height}`), parentView, parentHash: hashOf(`block-${height - 1}`) };
}

function qcOn(data: VoteData, members: readonly number[]): QuorumCert {
  const msg = signingBytes(DOMAIN_VOTE_V1, CHAIN, encodeVoteData(data));
  return { data, signatures: members.map((m) => ({ member: m, signature: signMessage(key(m), msg) })) };
}

const QC_5 = qcOn(voteData(5, 4, 4), [0, 1, 3]);
const TC_9: TimeoutCert = {
  epoch: 0, view: 9,
  signatures: [0, 2, 3].map((m, i) => ({
    member: m, highQcView: 5 + i,
    signature: signMessage(key(m), signingBytes(DOMAIN_TIMEOUT_V1, CHAIN, encodeTimeoutData(0, 9, 5 + i))),
  })),
  highQc: qcOn(voteData(7, 6, 6), [0, 1, 2]),
};

const HEADER_FIRST: BlockHeader = {
  chainId: CHAIN, epoch: 0, height: 1, view: 1, parentHash: hashOf('genesis'), txRoot: new Uint8Array(32),
  stateRoot: hashOf('state-1'), receiptsRoot: new Uint8Array(32), proposer: 1, timestampMs: T0, parentQc: null,
};
const HEADER_5: BlockHeader = {
  chainId: CHAIN, epoch: 0, height: 5, view: 6, parentHash: hashOf('block-4'), txRoot: hashOf('txs-5'),
  stateRoot: hashOf('state-5'), receiptsRoot: hashOf('receipts-5'), proposer: 2, timestampMs: T0 + 5_000, parentQc: QC_5,
};
const TX_BYTES = [encodeTxEnvelope(TX_SIMPLE), encodeTxEnvelope(TX_EDGES)];

const COMMITTED: CommittedBlock = {
  block: { header: HEADER_5, txs: TX_BYTES },
  hash: sha256(encodeHeader(HEADER_5)),
  commitQc: qcOn({ epoch: 0, view: 7, height: 6, blockHash: hashOf('block-6'), parentView: 6, parentHash: sha256(encodeHeader(HEADER_5)) }, [0, 1, 2, 3]),
  certifiedHeight: 6,
};

// The last block of epoch 0 committed as an ancestor: one empty suffix block (height 6, view 8
// after a failed view 7) links it to the block the QC certifies.
const SUFFIX_6: BlockHeader = {
  ...HEADER_5, height: 6, view: 8, parentHash: sha256(encodeHeader(HEADER_5)), txRoot: HEADER_FIRST.txRoot, proposer: 0, timestampMs: T0 + 6000,
  parentQc: qcOn({ epoch: 0, view: 6, height: 5, blockHash: sha256(encodeHeader(HEADER_5)), parentView: 5, parentHash: HEADER_5.parentHash }, [0, 1, 2]),
};
const COMMITTED_EPOCH_END: CommittedBlock = {
  block: { header: HEADER_5, txs: TX_BYTES },
  hash: sha256(encodeHeader(HEADER_5)),
  commitQc: qcOn({ epoch: 0, view: 9, height: 7, blockHash: hashOf('block-7'), parentView: 8, parentHash: sha256(encodeHeader(SUFFIX_6)) }, [0, 1, 3]),
  certifiedHeight: 6,
  suffix: [SUFFIX_6],
};

const GENESIS = {
  chainId: CHAIN, genesisTimeMs: T0,
  consensus: { viewTimeoutMs: 2000, maxViewTimeoutMs: 60_000, maxBlockTxs: 5000, maxBlockBytes: 8 * 1024 * 1024, heartbeatMinutes: 5 },
  members: KEYS.map((k, i) => ({ name: `member${i + 1}`, publicKey: k.publicKey, address: `/ip4/127.0.0.1/tcp/${9080 + i}` })),
  accounts: [
    { name: 'bank-a', publicKey: fixedKey(11).publicKey, role: 'integrator' },
    { name: 'auditor.one', publicKey: fixedKey(12).publicKey, role: 'auditor' },
  ] as const,
};
const GENESIS_JSON = genesisToJson(GENESIS);
// Written before heartbeats: five consensus fields, the same bytes and hash as then.
const GENESIS_LEGACY_JSON = genesisToJson({ ...GENESIS, consensus: { ...GENESIS.consensus, heartbeatMinutes: 0, emptyBlockIntervalMs: 500 } });

interface TimeoutData { readonly epoch: number; readonly view: number; readonly highQcView: number }
interface DomainTag { readonly tag: Uint8Array; readonly chainId: string; readonly message: Uint8Array }

/** Every wire type with golden vectors, one fixture file each. */
export const GOLDEN_SUITES: readonly GoldenSuite<never>[] = [
  suite({
    file: 'tx-body', description: 'Signed part of a transaction: [chainId, type, signer, nonce, payload]; sha256 of it is the tx hash.',
    vectors: [{ name: 'simple', value: bodyOf(TX_SIMPLE) }, { name: 'edge-values', value: bodyOf(TX_EDGES) }],
    encode: encodeTxBody, decode: decodeTxBody,
  }),
  suite({
    file: 'tx-envelope', description: 'Signed transaction: tx body fields then the ed25519 signature over DOMAIN_TX_V1 ‖ len(chainId) ‖ chainId ‖ body.',
    vectors: [{ name: 'simple', value: TX_SIMPLE }, { name: 'edge-values', value: TX_EDGES }],
    encode: encodeTxEnvelope, decode: decodeTxEnvelope,
  }),
  suite({
    file: 'receipt', description: 'Receipt: [hash, ok, code, detail] with detail a sorted map or null.',
    vectors: [
      { name: 'ok', value: { hash: hashOf('tx-1'), ok: true, code: null, detail: null } },
      { name: 'rejected', value: { hash: hashOf('tx-2'), ok: false, code: 'INVOICE_ALREADY_FINANCED', detail: { amount: 5, id: 'INV-1' } } },
    ],
    encode: encodeReceipt, decode: decodeReceipt,
  }),
  suite({
    file: 'vote-data', description: 'What a vote signs after DOMAIN_VOTE_V1: [epoch, view, height, blockHash, parentView, parentHash].',
    vectors: [
      { name: 'small', value: voteData(5, 4, 4) },
      { name: 'large-view', value: { ...voteData(2 ** 40, 2 ** 33, 2 ** 40 - 1), epoch: 3 } },
    ],
    encode: encodeVoteData, decode: (b) => voteDataFromTuple(unpackCanonical(b)),
  }),
  suite<TimeoutData>({
    file: 'timeout-data', description: 'What a timeout signs after DOMAIN_TIMEOUT_V1: [epoch, view, highQcView].',
    vectors: [{ name: 'view-9', value: { epoch: 0, view: 9, highQcView: 5 } }],
    encode: (t) => encodeTimeoutData(t.epoch, t.view, t.highQcView),
    decode: (b) => {
      const t = readTuple(unpackCanonical(b), 'timeoutData', 3);
      return { epoch: readInt(t[0], 'epoch'), view: readInt(t[1], 'view'), highQcView: readInt(t[2], 'highQcView') };
    },
  }),
  suite({
    file: 'quorum-cert', description: 'QC: [voteData, [[member, signature], ...]] sorted by member.',
    vectors: [{ name: 'three-of-four', value: QC_5 }, { name: 'no-signatures', value: { data: voteData(1, 1, 0), signatures: [] } }],
    encode: encodeQuorumCert, decode: decodeQuorumCert,
  }),
  suite({
    file: 'timeout-cert', description: 'TC: [epoch, view, [[member, highQcView, signature], ...] sorted by member, highQc (the QC of the highest highQcView) or nil].',
    vectors: [{ name: 'three-of-four', value: TC_9 }, { name: 'root-high-qc', value: { ...TC_9, signatures: TC_9.signatures.map((s) => ({ ...s, highQcView: 0 })), highQc: null } }],
    encode: encodeTimeoutCert, decode: decodeTimeoutCert,
  }),
  suite({
    file: 'header', description: 'Block header tuple; sha256 of these bytes is the block hash.',
    vectors: [{ name: 'first-without-parent-qc', value: HEADER_FIRST }, { name: 'with-parent-qc', value: HEADER_5 }],
    encode: encodeHeader, decode: decodeHeader,
  }),
  suite({
    file: 'block', description: 'Block: [header, [txEnvelopeBytes, ...]].',
    vectors: [
      { name: 'empty', value: { header: HEADER_FIRST, txs: [] } },
      { name: 'two-txs', value: { header: HEADER_5, txs: TX_BYTES } },
    ],
    encode: encodeBlock, decode: decodeBlock,
  }),
  suite({
    file: 'committed-block', description: 'Stored form: [block, commitQc, certifiedHeight, hash], and a fifth field [suffixHeaders] only on an epoch\'s last block committed as an ancestor.',
    vectors: [{ name: 'height-5', value: COMMITTED }, { name: 'epoch-end-with-suffix', value: COMMITTED_EPOCH_END }],
    encode: encodeCommittedBlock, decode: decodeCommittedBlock,
  }),
  suite<unknown>({
    file: 'genesis', description: 'Genesis JSON (input) and encodeGenesis bytes, whose sha256 is the genesis hash. Consensus is [viewTimeoutMs, maxViewTimeoutMs, maxBlockTxs, maxBlockBytes, 0, heartbeatMinutes], or the five fields ending in emptyBlockIntervalMs of a genesis written before heartbeats. No byte decoder: the JSON round-trips.',
    vectors: [{ name: 'four-members', value: GENESIS_LEGACY_JSON }, { name: 'four-members-heartbeat', value: GENESIS_JSON }],
    encode: (j) => encodeGenesis(genesisFromJson(j)), decode: null,
  }),
  suite<DomainTag>({
    file: 'domains', description: 'Domain tags (input pins the constants) and signingBytes(tag, chainId, message) = tag ‖ len(chainId) ‖ chainId ‖ message.',
    vectors: (
      [['tx', DOMAIN_TX_V1], ['vote', DOMAIN_VOTE_V1], ['timeout', DOMAIN_TIMEOUT_V1], ['proposal', DOMAIN_PROPOSAL_V1]] as const
    ).map(([name, tag]) => ({ name, value: { tag, chainId: CHAIN, message: Uint8Array.of(1, 2) } })),
    encode: (d) => signingBytes(d.tag, d.chainId, d.message), decode: null,
  }),
];

function suite<T>(s: GoldenSuite<T>): GoldenSuite<never> {
  return s as unknown as GoldenSuite<never>;
}

function bodyOf(tx: typeof TX_SIMPLE): Omit<typeof TX_SIMPLE, 'signature'> {
  const { signature: _signature, ...body } = tx;
  return body;
}

/** Inverse of toJsonValue. */
export function fromJsonValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromJsonValue);
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === '$bytes' && typeof o['$bytes'] === 'string') return Uint8Array.from(Buffer.from(o['$bytes'], 'hex'));
    return Object.fromEntries(keys.map((k) => [k, fromJsonValue(o[k])]));
  }
  return v;
}

/** JSON form of a vector value: bytes become {"$bytes": hex}; payload keys can never start with '$'. */
export function toJsonValue(v: unknown): unknown {
  if (v instanceof Uint8Array) return { $bytes: toHex(v) };
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJsonValue(x)]));
  }
  return v;
}
