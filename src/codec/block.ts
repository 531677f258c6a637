import type {
  Block, BlockHeader, CommittedBlock, MemberSignature, QuorumCert, TimeoutCert, TimeoutSignature, VoteData,
} from '../types/block.js';
import { pack, unpackCanonical, unpackTrusted } from './msgpack.js';
import { badField, readArray, readBytes, readInt, readString, readTuple } from './read.js';
import { CHAIN_ID_RE, MAX_TX_BYTES } from './tx.js';

/** Bounds on blocks and certificates decoded from peers. */
export const BLOCK_LIMITS = { maxTxs: 20_000, maxBytes: 64 * 1024 * 1024, maxMembers: 256 } as const;

// ---- VoteData / QC / TC -------------------------------------------------------------------

/** Tuple form of VoteData: [epoch, view, height, blockHash, parentView, parentHash]. */
export function voteDataTuple(d: VoteData): unknown[] {
  return [d.epoch, d.view, d.height, d.blockHash, d.parentView, d.parentHash];
}

/** Canonical bytes of VoteData (what a vote signs after DOMAIN_VOTE_V1). */
export function encodeVoteData(d: VoteData): Uint8Array {
  return pack(voteDataTuple(d));
}

/** Inverse of voteDataTuple. */
export function voteDataFromTuple(v: unknown): VoteData {
  const t = readTuple(v, 'voteData', 6);
  return {
    epoch: readInt(t[0], 'voteData.epoch'),
    view: readInt(t[1], 'voteData.view'),
    height: readInt(t[2], 'voteData.height'),
    blockHash: readBytes(t[3], 'voteData.blockHash', 32),
    parentView: readInt(t[4], 'voteData.parentView'),
    parentHash: readBytes(t[5], 'voteData.parentHash', 32),
  };
}

/** Tuple form of a QC: [voteData, [[member, signature], ...]]. */
export function qcTuple(qc: QuorumCert): unknown[] {
  return [voteDataTuple(qc.data), qc.signatures.map((s) => [s.member, s.signature])];
}

/** Inverse of qcTuple; signatures must be sorted by member without duplicates. */
export function qcFromTuple(v: unknown): QuorumCert {
  const t = readTuple(v, 'qc', 2);
  const sigs = readArray(t[1], 'qc.signatures', BLOCK_LIMITS.maxMembers).map((s, i): MemberSignature => {
    const st = readTuple(s, `qc.signatures[${i}]`, 2);
    return { member: readInt(st[0], 'qc.member', 0, BLOCK_LIMITS.maxMembers - 1), signature: readBytes(st[1], 'qc.signature', 64) };
  });
  checkSortedMembers(sigs, 'qc.signatures');
  return { data: voteDataFromTuple(t[0]), signatures: sigs };
}

/** Canonical bytes of a QC. */
export function encodeQuorumCert(qc: QuorumCert): Uint8Array {
  return pack(qcTuple(qc));
}

/** Decodes a QC from untrusted bytes. */
export function decodeQuorumCert(bytes: Uint8Array): QuorumCert {
  return qcFromTuple(unpackCanonical(bytes));
}

/** Tuple form of a TC: [epoch, view, [[member, highQcView, signature], ...], highQc | nil]. */
export function tcTuple(tc: TimeoutCert): unknown[] {
  return [tc.epoch, tc.view, tc.signatures.map((s) => [s.member, s.highQcView, s.signature]), tc.highQc === null ? null : qcTuple(tc.highQc)];
}

/** Inverse of tcTuple. */
export function tcFromTuple(v: unknown): TimeoutCert {
  const t = readTuple(v, 'tc', 4);
  const sigs = readArray(t[2], 'tc.signatures', BLOCK_LIMITS.maxMembers).map((s, i): TimeoutSignature => {
    const st = readTuple(s, `tc.signatures[${i}]`, 3);
    return {
      member: readInt(st[0], 'tc.member', 0, BLOCK_LIMITS.maxMembers - 1),
      highQcView: readInt(st[1], 'tc.highQcView'),
      signature: readBytes(st[2], 'tc.signature', 64),
    };
  });
  checkSortedMembers(sigs, 'tc.signatures');
  return { epoch: readInt(t[0], 'tc.epoch'), view: readInt(t[1], 'tc.view'), signatures: sigs, highQc: t[3] === null ? null : qcFromTuple(t[3]) };
}

/** Canonical bytes of a TC. */
export function encodeTimeoutCert(tc: TimeoutCert): Uint8Array {
  return pack(tcTuple(tc));
}

/** Decodes a TC from untrusted bytes. */
export function decodeTimeoutCert(bytes: Uint8Array): TimeoutCert {
  return tcFromTuple(unpackCanonical(bytes));
}

/** What a timeout signs after DOMAIN_TIMEOUT_V1: [epoch, view, highQcView]. */
export function encodeTimeoutData(epoch: number, view: number, highQcView: number): Uint8Array {
  return pack([epoch, view, highQcView]);
}

function checkSortedMembers(sigs: readonly { member: number }[], field: string): void {
  for (let i = 1; i < sigs.length; i++) {
    if ((sigs[i] as { member: number }).member <= (sigs[i - 1] as { member: number }).member) {
      badField(field, 'members must be strictly increasing');
    }
  }
}

// ---- Header / Block -----------------------------------------------------------------------

/** Tuple form of a header, in the fixed field order hashed for the block hash. */
export function headerTuple(h: BlockHeader): unknown[] {
  return [
    h.chainId, h.epoch, h.height, h.view, h.parentHash, h.txRoot, h.stateRoot, h.receiptsRoot,
    h.proposer, h.timestampMs, h.parentQc === null ? null : qcTuple(h.parentQc),
  ];
}

/** Inverse of headerTuple. */
export function headerFromTuple(v: unknown): BlockHeader {
  const t = readTuple(v, 'header', 11);
  return {
    chainId: readString(t[0], 'header.chainId', 64, CHAIN_ID_RE),
    epoch: readInt(t[1], 'header.epoch'),
    height: readInt(t[2], 'header.height', 1),
    view: readInt(t[3], 'header.view'),
    parentHash: readBytes(t[4], 'header.parentHash', 32),
    txRoot: readBytes(t[5], 'header.txRoot', 32),
    stateRoot: readBytes(t[6], 'header.stateRoot', 32),
    receiptsRoot: readBytes(t[7], 'header.receiptsRoot', 32),
    proposer: readInt(t[8], 'header.proposer', 0, BLOCK_LIMITS.maxMembers - 1),
    timestampMs: readInt(t[9], 'header.timestampMs'),
    parentQc: t[10] === null ? null : qcFromTuple(t[10]),
  };
}

/** Canonical header bytes; sha256 of these is the block hash. */
export function encodeHeader(h: BlockHeader): Uint8Array {
  return pack(headerTuple(h));
}

/** Decodes a header from untrusted bytes. */
export function decodeHeader(bytes: Uint8Array): BlockHeader {
  return headerFromTuple(unpackCanonical(bytes));
}

/** Tuple form of a block: [header, [txBytes, ...]]. */
export function blockTuple(b: Block): unknown[] {
  return [headerTuple(b.header), b.txs];
}

/** Inverse of blockTuple. Transactions stay as bytes; decodeTxEnvelope reads each. */
export function blockFromTuple(v: unknown): Block {
  const t = readTuple(v, 'block', 2);
  const txs = readArray(t[1], 'block.txs', BLOCK_LIMITS.maxTxs).map((x, i) => readBytes(x, `block.txs[${i}]`, null, MAX_TX_BYTES));
  return { header: headerFromTuple(t[0]), txs };
}

/** Canonical block bytes (wire and disk). */
export function encodeBlock(b: Block): Uint8Array {
  return pack(blockTuple(b));
}

/** Decodes a block from untrusted bytes (a peer). */
export function decodeBlock(bytes: Uint8Array): Block {
  return blockFromTuple(unpackCanonical(bytes, BLOCK_LIMITS.maxBytes));
}

// An epoch's suffix is the blocks between its last block and the certified one: one per view
// that failed right after the reconfiguration, so a handful at most.
const MAX_SUFFIX_HEADERS = 64;

/**
 * Stored form: [block, commitQc, certifiedHeight, hash], plus [..., suffixHeaders] only when
 * the block carries an epoch suffix, so every other block keeps the four-field bytes.
 */
export function encodeCommittedBlock(c: CommittedBlock): Uint8Array {
  const t: unknown[] = [blockTuple(c.block), qcTuple(c.commitQc), c.certifiedHeight, c.hash];
  if (c.suffix !== undefined && c.suffix.length > 0) t.push(c.suffix.map(headerTuple));
  return pack(t);
}

/**
 * Decodes a committed block. `trusted` skips the canonical re-encode check for bytes this node
 * wrote itself; shapes and sizes are still checked so a corrupt disk gives a typed error.
 */
export function decodeCommittedBlock(bytes: Uint8Array, opts: { trusted?: boolean } = {}): CommittedBlock {
  const raw = opts.trusted ? unpackTrusted(bytes) : unpackCanonical(bytes, BLOCK_LIMITS.maxBytes);
  const t = readArray(raw, 'committedBlock', 5);
  if (t.length < 4) badField('committedBlock', 'expected 4 or 5 fields');
  const c: CommittedBlock = {
    block: blockFromTuple(t[0]),
    commitQc: qcFromTuple(t[1]),
    certifiedHeight: readInt(t[2], 'committedBlock.certifiedHeight', 1),
    hash: readBytes(t[3], 'committedBlock.hash', 32),
  };
  if (t.length === 4) return c;
  const suffix = readArray(t[4], 'committedBlock.suffix', MAX_SUFFIX_HEADERS).map(headerFromTuple);
  // Canonical: an empty suffix is written as no fifth field at all.
  if (suffix.length === 0) badField('committedBlock.suffix', 'must not be empty');
  return { ...c, suffix };
}
