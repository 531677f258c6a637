import type { ConsensusMessage, SafetyState } from '../../codec/consensus.js';
import type { Block, BlockHeader, CommittedBlock, QuorumCert } from '../../types/block.js';
import type { ConsensusParams } from '../../types/genesis.js';
import type { Hash, Height, MemberIndex, PublicKey, Signature, View } from '../../types/primitives.js';

/** Wire types and the safety state, defined next to their encodings in codec/consensus.ts. */
export type {
  ConsensusMessage, ProposalMessage, VoteMessage, TimeoutMessage, SyncInfoMessage, SafetyState,
  BlockRequestMessage, BlockResponseMessage, ConsensusWireMessage,
} from '../../codec/consensus.js';

/** The last committed block as the core needs it (from the Application on start, from sync later). */
export interface CommittedHead {
  readonly height: Height;
  readonly hash: Hash;
  /** View of the block; 0 for genesis. */
  readonly view: View;
  readonly epoch: number;
  /** Header timestamp; genesis time for height 0. */
  readonly timestampMs: number;
}

/**
 * One epoch: the member set in force from `startHeight` on (docs/protocol.md R20). The epoch's
 * root is the block just below `startHeight`: blocks at startHeight have parentQc null and
 * extend it; views of an epoch start at rootView + 1.
 */
export interface EpochInfo {
  readonly epoch: number;
  /** Public keys by member index; the leader schedule and quorums use this order. */
  readonly members: readonly PublicKey[];
  readonly startHeight: Height;
  readonly rootHash: Hash;
  readonly rootView: View;
}

/** Inputs of the core. Answers to requests come back as later events, so step never waits. */
export type ConsensusEvent =
  | { readonly type: 'start' }
  | { readonly type: 'message'; readonly from: MemberIndex; readonly message: ConsensusMessage }
  /** The timer set by an earlier output fired. */
  | { readonly type: 'timeout'; readonly view: View }
  /** Answer to a buildBlock request (null: the application could not build one). */
  | { readonly type: 'blockBuilt'; readonly view: View; readonly block: Block | null }
  /**
   * Answer to a checkBlock request. `valid` is the application's deterministic verdict (R5);
   * `vote: false` marks a valid block this node must not vote for, because its timestamp is
   * too far ahead of the local clock (R5: freshness is a condition for voting, not validity).
   */
  | { readonly type: 'blockChecked'; readonly hash: Hash; readonly valid: boolean; readonly vote?: boolean }
  /** A peer's answer to a fetchBlocks request: the block first, then its ancestors. */
  | { readonly type: 'blocksFetched'; readonly from: MemberIndex; readonly blocks: readonly Block[] }
  /** The sync module finished; `head` is the application's committed head now. */
  /** `history`: the application's recent committed headers ending at `head` (the leader schedule reads them, R3a). */
  | { readonly type: 'syncCompleted'; readonly head: CommittedHead; readonly history?: readonly BlockHeader[] };

/** Everything the core asks of the runtime; each answer arrives as an event. */
export type CoreRequest =
  | {
      readonly kind: 'buildBlock';
      readonly epoch: number;
      readonly view: View;
      readonly height: Height;
      readonly parentHash: Hash;
      readonly parentQc: QuorumCert | null;
      readonly proposer: MemberIndex;
      readonly parentTimestampMs: number;
      /** A certified but uncommitted ancestor carries transactions: proposing now finalises it. */
      readonly pipelineHasTxs: boolean;
    }
  | { readonly kind: 'checkBlock'; readonly block: Block; readonly hash: Hash }
  | { readonly kind: 'fetchBlocks'; readonly hash: Hash; readonly count: number; readonly from: MemberIndex }
  | { readonly kind: 'syncNeeded'; readonly targetHeight: Height; readonly from: MemberIndex };

/** A message to send: to one member or to every member but self. */
export interface Outbound {
  readonly to: MemberIndex | 'all';
  readonly message: ConsensusMessage;
}

/** What one step asks the runtime to do, in this order: persist, send, timer, requests, committed. */
export interface ConsensusOutput {
  /** Must be durable (fsync) BEFORE any of `messages` leaves the node. */
  readonly persist: SafetyState | null;
  readonly messages: readonly Outbound[];
  /** Replaces the current timer; null keeps it. */
  readonly timer: { readonly view: View; readonly delayMs: number } | null;
  readonly requests: readonly CoreRequest[];
  /** In height order; each carries the certificate that finalised it. */
  readonly committed: readonly CommittedBlock[];
}

/** Read-only view of the core for /v1/status, logs and metrics. */
export interface CoreStatus {
  readonly epoch: number;
  readonly view: View;
  readonly leader: MemberIndex;
  readonly highQcView: View;
  readonly lockedView: View;
  readonly lastVotedView: View;
  readonly committedHeight: Height;
  readonly committedHash: Hash;
  readonly syncing: boolean;
}

/** The pure state machine. */
export interface ConsensusCore {
  /** Synchronous and deterministic; never throws for bad peer input (InvariantError only on a bug). */
  step(event: ConsensusEvent): ConsensusOutput;
  readonly status: CoreStatus;
}

/** Checks one ed25519 signature; pure. The default is crypto.verifySignature. */
export type SignatureVerifier = (publicKey: PublicKey, message: Uint8Array, signature: Signature) => boolean;

/** Debug logging the core may emit; the simulator captures it into its trace. */
export interface CoreLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
}

/**
 * Deliberately broken behaviours, set only by tests that prove the simulator catches them
 * (test/sim/mutations.test.ts). Production code never sets any.
 */
export interface CoreMutations {
  /** Accept a second proposal in a view already voted in (breaks R7). */
  readonly voteTwice?: boolean;
  /** Vote for any fresh view whatever QC or TC the block extends: no 2-chain lock (breaks R6). */
  readonly ignoreLock?: boolean;
  /** Commit a block as soon as it is certified (breaks R12). */
  readonly commitOneChain?: boolean;
  /** Send votes without asking the runtime to persist the safety state first (breaks R9). */
  readonly skipPersistBeforeVote?: boolean;
}

/** Construction options of the core. */
export interface CoreOptions {
  readonly chainId: string;
  readonly self: MemberIndex;
  readonly params: Pick<ConsensusParams, 'viewTimeoutMs' | 'maxViewTimeoutMs'>;
  readonly epoch: EpochInfo;
  readonly committedHead: CommittedHead;
  /**
   * Recent committed headers ending at `committedHead`, ascending (Application.recentHeaders):
   * the leader schedule reads them (R3a). Without them the node judges leaders with less
   * history than its peers until enough blocks commit.
   */
  readonly history?: readonly BlockHeader[];
  /** Loaded from the safety store; null on a fresh data directory. */
  readonly safety: SafetyState | null;
  /** Heights behind beyond which the core asks for sync instead of fetching blocks (default 64). */
  readonly maxFetchGap?: number;
  readonly mutations?: CoreMutations;
}
