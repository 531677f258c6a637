import { encodeHeader } from '../../../src/codec/block.js';
import type { ProposalMessage, TimeoutMessage, VoteMessage } from '../../../src/codec/consensus.js';
import { sha256, ZERO_HASH } from '../../../src/crypto/hash.js';
import { signMessage } from '../../../src/crypto/ed25519.js';
import { proposalSigningBytes, timeoutSigningBytes, voteSigningBytes } from '../../../src/consensus/core/certificates.js';
import { HotStuffCore } from '../../../src/consensus/core/core.js';
import type { ConsensusMessage, ConsensusOutput, CoreMutations, EpochInfo, SafetyState } from '../../../src/consensus/core/types.js';
import { SIM_CHAIN_ID, SIM_GENESIS_HASH, simKey } from '../../../src/consensus/sim/sim-cluster.js';
import type { Block, BlockHeader, QuorumCert, TimeoutCert, VoteData } from '../../../src/types/block.js';
import type { Hash, MemberIndex, View } from '../../../src/types/primitives.js';

// A 4-member chain (f = 1, quorum 3) with real keys: every certificate below is really signed.

export const N = 4;
export const CHAIN = SIM_CHAIN_ID;
export const GENESIS = SIM_GENESIS_HASH;
export const PARAMS = { viewTimeoutMs: 100, maxViewTimeoutMs: 800 };
export const members = [0, 1, 2, 3].map((i) => simKey(i).publicKey);
export const epoch: EpochInfo = { epoch: 0, members, startHeight: 1, rootHash: GENESIS, rootView: 0 };
export const genesisHead = { height: 0, hash: GENESIS, view: 0, epoch: 0, timestampMs: 0 };

/** A block with its hash; roots are zeros (the application is not in these tests). */
export interface TestBlock {
  readonly block: Block;
  readonly hash: Hash;
}

/** Builds a block of `view` on `parent` (genesis when null) justified by `parentQc`. */
export function makeBlock(view: View, parent: TestBlock | null, parentQc: QuorumCert | null, opts: { proposer?: MemberIndex; salt?: number } = {}): TestBlock {
  const height = parent === null ? 1 : parent.block.header.height + 1;
  const header = {
    chainId: CHAIN, epoch: 0, height, view, parentHash: parent === null ? GENESIS : parent.hash,
    txRoot: opts.salt === undefined ? ZERO_HASH : sha256(new Uint8Array([opts.salt])), stateRoot: ZERO_HASH, receiptsRoot: ZERO_HASH,
    proposer: opts.proposer ?? view % N, timestampMs: view, parentQc,
  };
  return { block: { header, txs: [] }, hash: sha256(encodeHeader(header)) };
}

/** VoteData for a block. */
export function voteData(b: TestBlock): VoteData {
  const h = b.block.header;
  return { epoch: 0, view: h.view, height: h.height, blockHash: b.hash, parentView: h.parentQc?.data.view ?? 0, parentHash: h.parentHash };
}

/** A QC on `b` signed by `signers`. */
export function qcOn(b: TestBlock, signers: readonly MemberIndex[] = [0, 1, 2]): QuorumCert {
  const data = voteData(b);
  const msg = voteSigningBytes(CHAIN, data);
  return { data, signatures: [...signers].sort((x, y) => x - y).map((m) => ({ member: m, signature: signMessage(simKey(m), msg) })) };
}

/** A vote by `member` for `b`. */
export function voteBy(member: MemberIndex, b: TestBlock): VoteMessage {
  const data = voteData(b);
  return { type: 'vote', data, signature: signMessage(simKey(member), voteSigningBytes(CHAIN, data)) };
}

/** A proposal of `b` signed by its proposer. */
export function proposalOf(b: TestBlock, tc: TimeoutCert | null = null, signer?: MemberIndex): ProposalMessage {
  return { type: 'proposal', block: b.block, tc, signature: signMessage(simKey(signer ?? b.block.header.proposer), proposalSigningBytes(CHAIN, b.hash)) };
}

/** A timeout by `member` for `view`. */
export function timeoutBy(member: MemberIndex, view: View, highQc: QuorumCert | null, lastTc: TimeoutCert | null = null): TimeoutMessage {
  const qcView = highQc?.data.view ?? 0;
  return { type: 'timeout', epoch: 0, view, highQc, lastTc, signature: signMessage(simKey(member), timeoutSigningBytes(CHAIN, 0, view, qcView)) };
}

/**
 * A TC for `view`; each signer reports `highQcViews[i]` (default 0), and the TC carries
 * `highQc`, which must be the QC of the highest of them (null when that is 0) for the TC to verify.
 */
export function tcFor(view: View, signers: readonly MemberIndex[] = [0, 1, 2], highQcViews: readonly View[] = [], highQc: QuorumCert | null = null): TimeoutCert {
  return {
    epoch: 0, view, highQc,
    signatures: signers.map((m, i) => {
      const hq = highQcViews[i] ?? 0;
      return { member: m, highQcView: hq, signature: signMessage(simKey(m), timeoutSigningBytes(CHAIN, 0, view, hq)) };
    }),
  };
}

/** A core for member `self` (started), with the output of its start step. */
export function startCore(self: MemberIndex, opts: { safety?: SafetyState | null; mutations?: CoreMutations; head?: typeof genesisHead; maxFetchGap?: number; history?: readonly BlockHeader[] } = {}): { core: HotStuffCore; start: ConsensusOutput } {
  const core = new HotStuffCore(
    {
      chainId: CHAIN, self, params: PARAMS, epoch, committedHead: opts.head ?? genesisHead, safety: opts.safety ?? null,
      ...(opts.mutations ? { mutations: opts.mutations } : {}), ...(opts.maxFetchGap ? { maxFetchGap: opts.maxFetchGap } : {}),
      ...(opts.history ? { history: opts.history } : {}),
    },
    { signingKey: simKey(self) },
  );
  return { core, start: core.step({ type: 'start' }) };
}

/** Steps a message from `from`. */
export function deliver(core: HotStuffCore, from: MemberIndex, message: ConsensusMessage): ConsensusOutput {
  return core.step({ type: 'message', from, message });
}

/** Delivers a proposal and answers its checkBlock request as valid; returns the second output. */
export function proposeAndCheck(core: HotStuffCore, b: TestBlock, tc: TimeoutCert | null = null): { first: ConsensusOutput; checked: ConsensusOutput } {
  const first = deliver(core, b.block.header.proposer, proposalOf(b, tc));
  const checked = core.step({ type: 'blockChecked', hash: b.hash, valid: true });
  return { first, checked };
}

/** Votes in an output. */
export function votesIn(out: ConsensusOutput): VoteMessage[] {
  return out.messages.map((m) => m.message).filter((m): m is VoteMessage => m.type === 'vote');
}

/** Timeouts in an output. */
export function timeoutsIn(out: ConsensusOutput): TimeoutMessage[] {
  return out.messages.map((m) => m.message).filter((m): m is TimeoutMessage => m.type === 'timeout');
}

/**
 * A certified chain of `length` blocks in consecutive views 1..length: blocks[i] is at height
 * i+1 and view i+1, qcs[i] certifies blocks[i].
 */
export function chain(length: number): { blocks: TestBlock[]; qcs: QuorumCert[] } {
  const blocks: TestBlock[] = [];
  const qcs: QuorumCert[] = [];
  for (let i = 0; i < length; i++) {
    const b = makeBlock(i + 1, blocks[i - 1] ?? null, qcs[i - 1] ?? null);
    blocks.push(b);
    qcs.push(qcOn(b));
  }
  return { blocks, qcs };
}
