import type { Block, QuorumCert, TimeoutCert, VoteData } from '../types/block.js';
import type { Hash, Signature, View } from '../types/primitives.js';
import { BLOCK_LIMITS, blockFromTuple, blockTuple, qcFromTuple, qcTuple, tcFromTuple, tcTuple, voteDataFromTuple, voteDataTuple } from './block.js';
import { DecodeError } from './errors.js';
import { pack, unpackCanonical } from './msgpack.js';
import { readArray, readBytes, readInt, readTuple } from './read.js';

// Wire types of the consensus protocol (docs/protocol.md) and the persisted safety state. They
// live here, next to their encodings, because the codec may import only types/ and util/; the
// consensus core re-exports them.

/** A leader's block for its view; `tc` justifies a view entered by timeout (R4). */
export interface ProposalMessage {
  readonly type: 'proposal';
  readonly block: Block;
  readonly tc: TimeoutCert | null;
  /** Leader's signature over DOMAIN_PROPOSAL_V1 ‖ chainId ‖ blockHash. */
  readonly signature: Signature;
}

/** A vote for a block, sent to the leader of the next view (R8). */
export interface VoteMessage {
  readonly type: 'vote';
  readonly data: VoteData;
  /** Over DOMAIN_VOTE_V1 ‖ chainId ‖ encodeVoteData(data). */
  readonly signature: Signature;
}

/** A signed timeout for `view`, carrying the signer's highest QC and the TC that led it there (R11). */
export interface TimeoutMessage {
  readonly type: 'timeout';
  readonly epoch: number;
  readonly view: View;
  /** Null stands for the epoch root (view 0). */
  readonly highQc: QuorumCert | null;
  readonly lastTc: TimeoutCert | null;
  /** Over DOMAIN_TIMEOUT_V1 ‖ chainId ‖ encodeTimeoutData(epoch, view, highQcView). */
  readonly signature: Signature;
}

/** Certificates for a peer that is behind (R15): carries its own proof, so it needs no signature. */
export interface SyncInfoMessage {
  readonly type: 'syncInfo';
  readonly highQc: QuorumCert | null;
  readonly highTc: TimeoutCert | null;
}

/** Asks a peer for the block `hash` and up to count-1 of its ancestors (R17). */
export interface BlockRequestMessage {
  readonly type: 'blockRequest';
  readonly hash: Hash;
  readonly count: number;
}

/** Answer to a BlockRequestMessage: the block first, then its parent, and so on. */
export interface BlockResponseMessage {
  readonly type: 'blockResponse';
  readonly blocks: readonly Block[];
}

/** Messages the consensus core consumes. */
export type ConsensusMessage = ProposalMessage | VoteMessage | TimeoutMessage | SyncInfoMessage;

/** Everything sent on the transport's 'consensus' channel. */
export type ConsensusWireMessage = ConsensusMessage | BlockRequestMessage | BlockResponseMessage;

/** The durable safety state (R9): written before any vote or timeout it describes leaves the node. */
export interface SafetyState {
  readonly epoch: number;
  /** Highest view this node voted or timed out in. */
  readonly lastVotedView: View;
  /** Highest QC view this node voted on top of (DiemBFT highest_qc_round: the 2-chain lock). */
  readonly lockedView: View;
  readonly highQc: QuorumCert | null;
  readonly highTc: TimeoutCert | null;
  /**
   * Blocks this node voted for that are not committed yet, lowest first. A restarted node
   * keeps only its committed chain and this state; without them a certified block whose
   * honest voters all restarted could be lost, and honest leaders could never extend it.
   */
  readonly votedBlocks: readonly Block[];
}

/** Most blocks one BlockRequestMessage may ask for. */
export const MAX_BLOCK_REQUEST = 64;

const TAG = { proposal: 0, vote: 1, timeout: 2, syncInfo: 3, blockRequest: 4, blockResponse: 5 } as const;
// Version 2: TCs carry their highest QC (R11). A version-1 state is still read, without its
// TC: the TC only speeds up view synchronisation, the numbers that make a node safe are kept.
const SAFETY_VERSION = 2;

function optQc(qc: QuorumCert | null): unknown {
  return qc === null ? null : qcTuple(qc);
}

function optTc(tc: TimeoutCert | null): unknown {
  return tc === null ? null : tcTuple(tc);
}

/** Canonical bytes of a consensus wire message: [tag, ...fields]. */
export function encodeConsensusMessage(m: ConsensusWireMessage): Uint8Array {
  switch (m.type) {
    case 'proposal':
      return pack([TAG.proposal, blockTuple(m.block), optTc(m.tc), m.signature]);
    case 'vote':
      return pack([TAG.vote, voteDataTuple(m.data), m.signature]);
    case 'timeout':
      return pack([TAG.timeout, m.epoch, m.view, optQc(m.highQc), optTc(m.lastTc), m.signature]);
    case 'syncInfo':
      return pack([TAG.syncInfo, optQc(m.highQc), optTc(m.highTc)]);
    case 'blockRequest':
      return pack([TAG.blockRequest, m.hash, m.count]);
    case 'blockResponse':
      return pack([TAG.blockResponse, m.blocks.map(blockTuple)]);
  }
}

/** Decodes a consensus wire message from untrusted bytes; throws DecodeError. */
export function decodeConsensusMessage(bytes: Uint8Array): ConsensusWireMessage {
  const raw = unpackCanonical(bytes, BLOCK_LIMITS.maxBytes);
  if (!Array.isArray(raw) || raw.length === 0) throw new DecodeError('DECODE_BAD_FIELD', 'consensus message: expected tagged array', { field: 'tag' });
  const tag = readInt(raw[0], 'consensus.tag', 0, 5);
  switch (tag) {
    case TAG.proposal: {
      const t = readTuple(raw, 'proposal', 4);
      return { type: 'proposal', block: blockFromTuple(t[1]), tc: t[2] === null ? null : tcFromTuple(t[2]), signature: readBytes(t[3], 'proposal.signature', 64) };
    }
    case TAG.vote: {
      const t = readTuple(raw, 'vote', 3);
      return { type: 'vote', data: voteDataFromTuple(t[1]), signature: readBytes(t[2], 'vote.signature', 64) };
    }
    case TAG.timeout: {
      const t = readTuple(raw, 'timeout', 6);
      return {
        type: 'timeout',
        epoch: readInt(t[1], 'timeout.epoch'),
        view: readInt(t[2], 'timeout.view'),
        highQc: t[3] === null ? null : qcFromTuple(t[3]),
        lastTc: t[4] === null ? null : tcFromTuple(t[4]),
        signature: readBytes(t[5], 'timeout.signature', 64),
      };
    }
    case TAG.syncInfo: {
      const t = readTuple(raw, 'syncInfo', 3);
      return { type: 'syncInfo', highQc: t[1] === null ? null : qcFromTuple(t[1]), highTc: t[2] === null ? null : tcFromTuple(t[2]) };
    }
    case TAG.blockRequest: {
      const t = readTuple(raw, 'blockRequest', 3);
      return { type: 'blockRequest', hash: readBytes(t[1], 'blockRequest.hash', 32), count: readInt(t[2], 'blockRequest.count', 1, MAX_BLOCK_REQUEST) };
    }
    default: {
      const t = readTuple(raw, 'blockResponse', 2);
      return { type: 'blockResponse', blocks: readArray(t[1], 'blockResponse.blocks', MAX_BLOCK_REQUEST).map(blockFromTuple) };
    }
  }
}

/** Bytes the leader signs after DOMAIN_PROPOSAL_V1: the block hash. */
export function encodeProposalData(blockHash: Hash): Uint8Array {
  return pack([blockHash]);
}

/** Canonical bytes of the safety state: [version, epoch, lastVotedView, lockedView, highQc, highTc, votedBlocks]. */
export function encodeSafetyState(s: SafetyState): Uint8Array {
  return pack([SAFETY_VERSION, s.epoch, s.lastVotedView, s.lockedView, optQc(s.highQc), optTc(s.highTc), s.votedBlocks.map(blockTuple)]);
}

/** Decodes the safety state; throws DecodeError on corrupt or foreign bytes. */
export function decodeSafetyState(bytes: Uint8Array): SafetyState {
  const t = readTuple(unpackCanonical(bytes, BLOCK_LIMITS.maxBytes), 'safetyState', 7);
  const version = readInt(t[0], 'safetyState.version', 1, SAFETY_VERSION);
  return {
    epoch: readInt(t[1], 'safetyState.epoch'),
    lastVotedView: readInt(t[2], 'safetyState.lastVotedView'),
    lockedView: readInt(t[3], 'safetyState.lockedView'),
    highQc: t[4] === null ? null : qcFromTuple(t[4]),
    highTc: t[5] === null || version < 2 ? null : tcFromTuple(t[5]),
    votedBlocks: readArray(t[6], 'safetyState.votedBlocks', MAX_BLOCK_REQUEST).map(blockFromTuple),
  };
}
