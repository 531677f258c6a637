import type { Block, BlockHeader, CommittedBlock, QuorumCert } from '../../types/block.js';
import type { Hash, Height, MemberIndex, View } from '../../types/primitives.js';
import type { CommittedHead, EpochInfo } from '../core/types.js';

/** What the leader asks the application to build (ABCI++ PrepareProposal). */
export interface BuildBlockRequest {
  readonly epoch: number;
  readonly view: View;
  readonly height: Height;
  readonly parentHash: Hash;
  /** The justify to put in header.parentQc (null for the first block of an epoch). */
  readonly parentQc: QuorumCert | null;
  readonly proposer: MemberIndex;
  /** Already greater than the parent's timestamp. */
  readonly timestampMs: number;
}

/**
 * The state machine consensus orders blocks for: the node wires it to the mempool, executor
 * and block store (the simulator runs that same chain; FakeApplication serves runtime unit tests,
 * the consensus bench and member-change seeds). Calls for one block arrive in order:
 * checkBlock (or buildBlock) of a parent before any call for its children, commit after the
 * block was built or checked. commit may run concurrently with building or checking later
 * blocks (pipelining); everything else is serialised by the runtime.
 */
export interface Application {
  /**
   * Picks transactions and executes them speculatively on top of the parent's state; returns
   * the full block with its roots (txRoot, stateRoot, receiptsRoot) and header.parentQc.
   */
  buildBlock(req: BuildBlockRequest): Promise<Block>;
  /**
   * Re-executes a peer's block on its parent's speculative state and compares every root,
   * the timestamp (above the parent's) and the size limits (ABCI++ ProcessProposal).
   */
  checkBlock(block: Block, hash: Hash): Promise<boolean>;
  /**
   * Makes blocks durable, in height order, each with its commit certificate; resolves once on
   * disk. Returns the next epoch when the last block changed the member set (R20), else null.
   */
  commit(blocks: readonly CommittedBlock[]): Promise<EpochInfo | null>;
  /** The last durable block (height 0 = genesis). */
  committedHead(): CommittedHead;
  /**
   * Headers of the last `count` committed blocks (fewer near genesis), ascending and ending at
   * the committed head. The leader schedule reads them (docs/protocol.md R3a); without them a
   * restarted node judges leaders from less history than its peers until blocks commit.
   */
  recentHeaders?(count: number): readonly BlockHeader[];
  /** The epoch in force after the committed head. */
  currentEpoch(): EpochInfo;
  /** A committed block by hash, to serve peers' fetch requests; null when unknown. */
  committedBlock(hash: Hash): Promise<Block | null>;
  /**
   * True when the mempool holds a transaction a block on the committed head could include
   * (a signer's next nonce); transactions behind a nonce gap do not count.
   */
  hasPendingTxs(): boolean;
  /** Called whenever a transaction is admitted; the pipeline then asks hasPendingTxs. */
  onTxsAvailable(handler: () => void): void;
}

/** Catch-up for a node too far behind to fetch blocks one by one (implemented by src/sync). */
export interface SyncDriver {
  /** Resolves once the application's committed head has moved as far as peers could take it. */
  syncTo(req: { readonly targetHeight: Height; readonly from: MemberIndex }): Promise<void>;
}

/** Durable home of the encoded safety state (storage's KvSafetyStore matches this shape). */
export interface SafetyStateStore {
  /** The last saved bytes, or null on a fresh data directory. */
  load(): Promise<Uint8Array | null>;
  /** Resolves only once `bytes` are on disk (fsync). */
  save(bytes: Uint8Array): Promise<void>;
}

/** pino-compatible subset the runtime logs through. */
export interface RuntimeLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Why this node entered a view through a timeout certificate. */
export type ViewChangeCause =
  /** Our timer fired in a view where we had voted for nothing (leader down, slow, or its proposal refused). */
  | 'no_proposal'
  /** Our timer fired after we voted: the votes never formed a QC in time. */
  | 'no_qc'
  /** Peers timed out first: we entered through their certificate before our own timer fired. */
  | 'peer_timeout';

/** Metrics the runtime updates where their events happen (node/metrics.ts provides them). */
export interface ConsensusMetrics {
  readonly view: { set(value: number): void };
  readonly epoch: { set(value: number): void };
  readonly members: { set(value: number): void };
  readonly quorum: { set(value: number): void };
  readonly viewChanges: { inc(labels: { cause: ViewChangeCause }): void };
  /** Seconds from a committed block's proposal timestamp to its commit here. */
  readonly blockFinality: { observe(seconds: number): void };
  /** R23: a member's message or block request dropped on arrival for being over its bounds. */
  readonly messagesRefused: { inc(labels: { peer: string; channel: 'consensus'; reason: InboundRefusal }): void };
}

/** Why a peer's message was refused (R23): the inbox is full, the member's share of it is, or its request rate/concurrency. */
export type InboundRefusal = 'inbox_full' | 'inbox_share' | 'request_limit';
