import { describe, expect, it } from 'vitest';
import { encodeHeader } from '../../../src/codec/block.js';
import { voteSigningBytes } from '../../../src/consensus/core/certificates.js';
import { simKey } from '../../../src/consensus/sim/sim-cluster.js';
import { sha256, ZERO_HASH } from '../../../src/crypto/hash.js';
import { signMessage } from '../../../src/crypto/ed25519.js';
import { CertifiedChain, type EpochMembers } from '../../../src/sync/certified-chain.js';
import type { BlockHeader, CommittedBlock, QuorumCert } from '../../../src/types/block.js';
import type { Hash, MemberIndex } from '../../../src/types/primitives.js';
import { utf8 } from '../../../src/util/bytes.js';

// Epoch 0: members 0..3; its last block is height 2. Epoch 1: members 0, 1, 2, 4 (member 3
// removed, member 4 added), from height 3.
const CHAIN = 'sim';
const GENESIS = sha256(utf8('certified-chain/genesis'));
const E0: EpochMembers = { epoch: 0, members: [0, 1, 2, 3].map((i) => simKey(i).publicKey) };
const E1: EpochMembers = { epoch: 1, members: [0, 1, 2, 4].map((i) => simKey(i).publicKey) };
const epochAt = (h: number): EpochMembers => (h >= 3 ? E1 : E0);

function header(epoch: number, height: number, view: number, parentHash: Hash): BlockHeader {
  return {
    chainId: CHAIN, epoch, height, view, parentHash, txRoot: ZERO_HASH, stateRoot: ZERO_HASH, receiptsRoot: ZERO_HASH,
    proposer: 0, timestampMs: view, parentQc: null,
  };
}

const hashOf = (h: BlockHeader): Hash => sha256(encodeHeader(h));

/** A QC on a child (in the next view) of `parent`, signed by keys `signers` at member indices 0.. of the list. */
function commitQcOf(parent: BlockHeader, epoch: number, keys: readonly number[]): QuorumCert {
  const data = { epoch, view: parent.view + 1, height: parent.height + 1, blockHash: sha256(utf8(`child of ${parent.height}`)), parentView: parent.view, parentHash: hashOf(parent) };
  const msg = voteSigningBytes(CHAIN, data);
  return { data, signatures: keys.map((k, i) => ({ member: i as MemberIndex, signature: signMessage(simKey(k), msg) })) };
}

function committed(h: BlockHeader, qc: QuorumCert, certifiedHeight = h.height, suffix?: BlockHeader[]): CommittedBlock {
  return { block: { header: h, txs: [] }, hash: hashOf(h), commitQc: qc, certifiedHeight, ...(suffix ? { suffix } : {}) };
}

const b1 = header(0, 1, 1, GENESIS);
const b2 = header(0, 2, 2, hashOf(b1));
// The view after b2 failed: its suffix block (epoch 0, height 3, view 4) carries the certificate.
const s3 = header(0, 3, 4, hashOf(b2));
const b3 = header(1, 3, 3, hashOf(b2));

function chain(): CertifiedChain {
  return new CertifiedChain({ chainId: CHAIN, head: { height: 0, hash: GENESIS } }, { epochAt });
}

describe('CertifiedChain across an epoch change', () => {
  it('proves the last block of an epoch through its suffix, then the next epoch against the new members', () => {
    // docs/protocol.md R20: B's certificate may be for a suffix block; the stored suffix headers link B to it
    const c = chain();
    expect(c.add(committed(b1, commitQcOf(b2, 0, [0, 1, 2]), 2))).toEqual({ proven: [] });
    const r2 = c.add(committed(b2, commitQcOf(s3, 0, [0, 1, 2]), 3, [s3]));
    expect('proven' in r2 && r2.proven.map((p) => p.block.block.header.height)).toEqual([1, 2]);
    // Epoch 1's certificate, by the members at indices 0, 1, 2 of the new list.
    const qc3 = commitQcOf(b3, 1, [0, 1, 2]);
    const r3 = c.add(committed(b3, qc3));
    expect('proven' in r3 && r3.proven.length).toBe(1);
  });

  it('refuses a block naming the epoch that ended below it', () => {
    // docs/protocol.md R20: blocks at an epoch's heights name that epoch (a suffix block is never part of the chain)
    const c = chain();
    c.add(committed(b1, commitQcOf(b1, 0, [0, 1, 2])));
    c.add(committed(b2, commitQcOf(b2, 0, [0, 1, 2])));
    const r = c.add(committed(s3, commitQcOf(s3, 0, [0, 1, 2])));
    expect(r).toEqual({ error: expect.stringContaining('names epoch 0') });
  });

  it('refuses a certificate of the old epoch on a block of the new one, even with enough valid-looking signers', () => {
    // docs/protocol.md R21: nothing signed in epoch e counts in e+1
    const c = chain();
    c.add(committed(b1, commitQcOf(b1, 0, [0, 1, 2])));
    c.add(committed(b2, commitQcOf(b2, 0, [0, 1, 2])));
    const r = c.add(committed(b3, commitQcOf(b3, 0, [0, 1, 2])));
    expect(r).toEqual({ error: expect.stringContaining('certificate is from epoch 0') });
  });

  it('refuses a suffix that does not link to its block, or does not reach the certified height', () => {
    // docs/protocol.md R20: the hash links from B through its suffix are what the certificate proves
    const other = header(0, 3, 4, sha256(utf8('elsewhere')));
    const c = chain();
    c.add(committed(b1, commitQcOf(b1, 0, [0, 1, 2])));
    expect(c.add(committed(b2, commitQcOf(other, 0, [0, 1, 2]), 3, [other]))).toEqual({ error: expect.stringContaining('does not extend it') });
    c.reset({ height: 1, hash: hashOf(b1) });
    expect(c.add(committed(b2, commitQcOf(s3, 0, [0, 1, 2]), 4, [s3]))).toEqual({ error: expect.stringContaining('does not reach') });
    c.reset({ height: 1, hash: hashOf(b1) });
    expect(c.add(committed(b2, commitQcOf(b2, 0, [0, 1, 2]), 3, [s3]))).toEqual({ error: expect.stringContaining('does not commit this block') });
  });

  it('refuses a certificate signed by members of the wrong epoch', () => {
    // docs/protocol.md R1: a certificate is checked against the member list of the epoch in force at its height
    const c = chain();
    c.add(committed(b1, commitQcOf(b1, 0, [0, 1, 2])));
    c.add(committed(b2, commitQcOf(b2, 0, [0, 1, 2])));
    // Key 3 (removed) signing at index 3 of epoch 1, where key 4 belongs.
    const r = c.add(committed(b3, commitQcOf(b3, 1, [0, 1, 2, 3])));
    expect(r).toEqual({ error: expect.stringContaining('certificate invalid') });
  });
});

describe('CertifiedChain.stillInForce', () => {
  it('refuses a block of a run once applying a block below it ended its epoch', () => {
    // docs/protocol.md R20 (sync epoch check): the member set in force at a height is the one after applying every block below it
    // Until block 2 is applied nobody knows it ends epoch 0; the caller learns it by applying it.
    let applied = 0;
    const c = new CertifiedChain({ chainId: CHAIN, head: { height: 0, hash: GENESIS } }, { epochAt: (h) => (applied >= 2 && h >= 3 ? E1 : E0) });
    c.add(committed(b1, commitQcOf(b1, 0, [0, 1, 2])));
    applied = 1;
    // b2 served without its suffix, claiming a certificate above it; s3 certified by epoch 0.
    expect(c.add(committed(b2, commitQcOf(s3, 0, [0, 1, 2]), 3))).toEqual({ proven: [] });
    const r = c.add(committed(s3, commitQcOf(s3, 0, [0, 1, 2])));
    if (!('proven' in r)) throw new Error(r.error);
    expect(r.proven.map((p) => c.stillInForce(p))).toEqual([null, null]);
    applied = 2;
    expect(c.stillInForce(r.proven[1]!)).toMatch(/names epoch 0, which ended below it/);
  });
});
