import { decodeConsensusMessage } from '../../codec/consensus.js';
import { ZERO_HASH } from '../../crypto/hash.js';
import type { Block, BlockHeader, CommittedBlock } from '../../types/block.js';
import type { Hash, Height } from '../../types/primitives.js';
import { bytesEqual, toHex } from '../../util/bytes.js';
import { blockHash } from '../core/block-tree.js';
import { CertificateChecker } from '../core/certificates.js';
import { reputationSchedule, scheduleEntry, scheduleHorizon, type ScheduleEntry } from '../core/leader-schedule.js';
import type { SignatureVerifier } from '../core/types.js';
import type { EpochSchedule } from './epoch-schedule.js';
import type { NodeId } from './sim-network.js';

/** A broken property, with the virtual time it was seen. */
export interface Violation {
  readonly kind: 'safety' | 'liveness';
  readonly atMs: number;
  readonly message: string;
}

/** Options of the monitor. */
export interface InvariantMonitorOptions {
  readonly chainId: string;
  /** The epoch in force at every height and each epoch's members (from the scenario's plan). */
  readonly epochs: EpochSchedule;
  /** True for processes whose behaviour is honest (Byzantine and twin members are not judged). */
  readonly honest: (node: NodeId) => boolean;
  readonly now: () => number;
  readonly verifier: SignatureVerifier;
}

interface Deferred {
  readonly node: NodeId;
  readonly epoch: number;
  readonly height: Height;
  readonly certifiedHeight: Height;
  readonly parentHash: Hash;
}

/**
 * Checks the simulator's safety properties as events happen (docs/conventions.md, Simulation),
 * for processes named by node id:
 * - no two honest nodes commit different blocks at one height, nor different suffix blocks
 *   of an epoch at one height;
 * - every committed block names the epoch in force at its height (so no honest node commits
 *   a block of an ended epoch's suffix), and only the first block of an epoch lacks a parentQc;
 * - every committed block carries a valid 2-chain certificate of its own epoch, checked
 *   against that epoch's members; an epoch's last block committed as an ancestor carries the
 *   suffix headers that hash-link it to the certified block (R20), and they are empty;
 * - on the production chain, every honest node's own execution of a committed block gives the
 *   state root, receipts root and one receipt per transaction its header claims, and the same
 *   results as every other honest node at that height;
 * - no honest node signs two votes in one view of an epoch, nor a vote in an epoch it is not
 *   a member of;
 * - no node's committed height goes down across a restart;
 * - every honest proposal is made by the leader the schedule names after the proposal's
 *   parent (R3): honest members agree on the schedule, whatever each has committed so far.
 * Liveness after GST is judged by the simulation, which knows the schedule.
 */
export class InvariantMonitor {
  private readonly opts: InvariantMonitorOptions;
  private readonly certs: CertificateChecker;
  private readonly byHeight = new Map<Height, string>();
  /** Suffix block hashes by `${epoch}/${height}`. */
  private readonly suffixAt = new Map<string, string>();
  private readonly heads = new Map<NodeId, { height: Height; hash: string }>();
  private readonly votes = new Set<string>();
  private readonly proposals = new Map<string, string>();
  private readonly voteEpoch = new Map<NodeId, number>();
  private readonly deferred: Deferred[] = [];
  /** Every block header seen on the wire or committed, by hex hash: the chains proposals extend. */
  private readonly headers = new Map<string, BlockHeader>();
  // A broadcast is one byte array sent to each peer: decoded once.
  private readonly seenBytes = new WeakSet<Uint8Array>();
  private readonly found: Violation[] = [];
  /** `${stateRoot}/${receiptsRoot}/${receipts}` each height executed to, by the first honest node that committed it. */
  private readonly resultAt = new Map<Height, string>();
  private blocksCommitted = 0;
  private txsExecuted = 0;

  constructor(opts: InvariantMonitorOptions) {
    this.opts = opts;
    this.certs = new CertificateChecker(opts.chainId, opts.verifier);
  }

  /** Violations so far. */
  get violations(): readonly Violation[] {
    return this.found;
  }

  /** Highest block committed by any honest node. */
  get maxHeight(): Height {
    let m = 0;
    for (const [node, h] of this.heads) if (this.opts.honest(node)) m = Math.max(m, h.height);
    return m;
  }

  /** Blocks committed by honest nodes, counted once per node. */
  get committedBlocks(): number {
    return this.blocksCommitted;
  }

  /** Transactions in blocks honest nodes committed on the real chain, counted once per node. */
  get committedTxs(): number {
    return this.txsExecuted;
  }

  /** Committed height of a process (0 before its first commit). */
  heightOf(node: NodeId): Height {
    return this.heads.get(node)?.height ?? 0;
  }

  /** Latest epoch honest process `node` signed a vote in; -1 before its first vote. */
  lastVoteEpoch(node: NodeId): number {
    return this.voteEpoch.get(node) ?? -1;
  }

  /** True once honest process `node` signed a vote in `epoch` or a later one. */
  votedSince(node: NodeId, epoch: number): boolean {
    return (this.voteEpoch.get(node) ?? -1) >= epoch;
  }

  /** Records a failure found elsewhere (liveness, a halted honest node). */
  report(kind: Violation['kind'], message: string): void {
    this.found.push({ kind, atMs: this.opts.now(), message });
  }

  /** Every commit of every honest node goes through here. */
  onCommit(node: NodeId, blocks: readonly CommittedBlock[]): void {
    if (!this.opts.honest(node)) return;
    for (const c of blocks) {
      this.headers.set(toHex(c.hash), c.block.header);
      this.checkCommitted(node, c);
    }
  }

  /**
   * Every block an honest node commits on the real chain, with what its own execution
   * produced: the state root and receipts must be those its header claims, and the same on
   * every honest node at that height (deterministic execution, no commit without execution).
   */
  onExecuted(node: NodeId, block: Block, result: { stateRoot: Hash; receiptsRoot: Hash; receipts: number }): void {
    if (!this.opts.honest(node)) return;
    this.txsExecuted += block.txs.length;
    const header = block.header;
    const height = header.height;
    const where = `member ${node} height ${height}`;
    if (result.receipts !== block.txs.length) this.safety(`${where}: ${result.receipts} receipts for ${block.txs.length} transactions`);
    if (!bytesEqual(result.stateRoot, header.stateRoot)) this.safety(`${where}: executed state root ${toHex(result.stateRoot)} differs from the header's ${toHex(header.stateRoot)}`);
    if (!bytesEqual(result.receiptsRoot, header.receiptsRoot)) this.safety(`${where}: executed receipts root differs from the header's`);
    const key = `${toHex(result.stateRoot)}/${toHex(result.receiptsRoot)}/${result.receipts}`;
    const other = this.resultAt.get(height);
    if (other === undefined) this.resultAt.set(height, key);
    else if (other !== key) this.safety(`${where}: state root or receipts differ from another honest member's at this height`);
  }

  /** Every message an honest endpoint sends goes through here; finds double votes and votes of non-members. */
  onSend(node: NodeId, bytes: Uint8Array): void {
    // PERF: a proposal encodes as [0, block, tc, sig] (fixarray(4), tag 0), a block response
    // as [5, blocks]; a vote as [1, voteData, sig]: fixarray(3) then tag 1; the rest is skipped undecoded.
    if ((bytes[0] === 0x94 && bytes[1] === 0x00) || (bytes[0] === 0x92 && bytes[1] === 0x05)) {
      this.onBlocks(node, bytes);
      if (bytes[1] === 0x00 && this.opts.honest(node)) {
        // R4, R7: an honest member signs one block per view.
        const p = decodeConsensusMessage(bytes);
        if (p.type !== 'proposal') return;
        const h = p.block.header;
        const key = `${node}/${h.epoch}/${h.view}`;
        const hash = toHex(blockHash(h));
        const before = this.proposals.get(key);
        if (before !== undefined && before !== hash) this.safety(`member ${node} signed two different proposals in view ${h.view}`);
        this.proposals.set(key, hash);
      }
      return;
    }
    if (!this.opts.honest(node) || bytes[0] !== 0x93 || bytes[1] !== 0x01) return;
    const m = decodeConsensusMessage(bytes);
    if (m.type !== 'vote') return;
    const { epoch, view } = m.data;
    const key = `${node}/${epoch}/${view}`;
    if (this.votes.has(key)) this.safety(`member ${node} signed two votes in view ${view}`);
    this.votes.add(key);
    if (!this.opts.epochs.isMember(node, epoch)) this.safety(`member ${node} signed a vote in epoch ${epoch} it is not a member of`);
    if (epoch > (this.voteEpoch.get(node) ?? -1)) this.voteEpoch.set(node, epoch);
  }

  private onBlocks(node: NodeId, bytes: Uint8Array): void {
    if (this.seenBytes.has(bytes)) return;
    this.seenBytes.add(bytes);
    const m = decodeConsensusMessage(bytes);
    if (m.type === 'blockResponse') {
      for (const b of m.blocks) this.headers.set(toHex(blockHash(b.header)), b.header);
      return;
    }
    if (m.type !== 'proposal') return;
    const h = m.block.header;
    this.headers.set(toHex(blockHash(h)), h);
    if (this.opts.honest(node)) this.checkLeader(node, h);
  }

  // R3: the proposer of an honest proposal is the leader after its parent's chain, computed
  // here from the blocks seen anywhere; skipped when a block of that chain was never seen.
  private checkLeader(node: NodeId, h: BlockHeader): void {
    const e = h.epoch;
    const n = this.opts.epochs.members(e).length;
    const start = this.opts.epochs.startOf(e);
    const horizon = scheduleHorizon(n);
    const chain: ScheduleEntry[] = [];
    let hash = h.parentHash;
    for (let height = h.height - 1; height >= start && chain.length < horizon; height--) {
      const p = this.headers.get(toHex(hash));
      if (p === undefined || p.height !== height) return;
      // The epoch's root view only matters for the epoch's first block, whose parent the schedule never reads.
      chain.push(scheduleEntry(p, 0));
      hash = p.parentHash;
    }
    chain.reverse();
    const leader = reputationSchedule.leaderFor(h.view, chain, n);
    if (h.proposer !== leader) this.safety(`member ${node} proposed in view ${h.view} of epoch ${e}, but the schedule names member ${leader} after its parent (R3)`);
  }

  /** A node restarted: its durable height must not have gone down. */
  onRestart(node: NodeId, committedHeight: Height): void {
    const before = this.heads.get(node)?.height ?? 0;
    if (committedHeight < before) this.safety(`member ${node} restarted at height ${committedHeight} below ${before}`);
  }

  /** Certificates of blocks committed as ancestors, checked once the certified block is known. */
  finish(): void {
    for (const d of this.deferred) {
      const at = this.byHeight.get(d.certifiedHeight);
      const hex = toHex(d.parentHash);
      // The certified block is committed, or (for the blocks just below an epoch's end) it is
      // one of that epoch's suffix blocks, which hash-link to its committed last block.
      if (at === hex || this.suffixAt.get(`${d.epoch}/${d.certifiedHeight}`) === hex) continue;
      if (at === undefined) this.safety(`height ${d.height} committed by member ${d.node} with a certificate for uncommitted height ${d.certifiedHeight}`);
      else this.safety(`height ${d.height} certificate names a block not committed at ${d.certifiedHeight}`);
    }
    this.deferred.length = 0;
  }

  private checkCommitted(node: NodeId, c: CommittedBlock): void {
    const h = c.block.header;
    const key = toHex(c.hash);
    const prev = this.heads.get(node) ?? { height: 0, hash: '' };
    if (h.height !== prev.height + 1) this.safety(`member ${node} committed height ${h.height} after ${prev.height}`);
    if (prev.height > 0 && toHex(h.parentHash) !== prev.hash) this.safety(`member ${node} committed height ${h.height} not linked to its previous block`);
    if (!bytesEqual(blockHash(h), c.hash)) this.safety(`member ${node} committed height ${h.height} under a wrong hash`);
    this.heads.set(node, { height: h.height, hash: key });
    this.blocksCommitted++;
    const other = this.byHeight.get(h.height);
    if (other === undefined) this.byHeight.set(h.height, key);
    else if (other !== key) this.safety(`two different blocks committed at height ${h.height} (member ${node})`);
    if (this.checkEpoch(node, c)) this.checkCertificate(node, c);
  }

  // R20: the heights of epoch e hold blocks of epoch e only; its first block extends the
  // previous epoch's last block without a QC, every other one carries a QC of epoch e.
  private checkEpoch(node: NodeId, c: CommittedBlock): boolean {
    const h = c.block.header;
    const where = `member ${node} height ${h.height}`;
    const inForce = this.opts.epochs.epochAt(h.height);
    if (h.epoch < inForce) {
      this.safety(`${where}: committed a block of ended epoch ${h.epoch}'s suffix (epoch ${inForce} is in force)`);
      return false;
    }
    if (h.epoch !== inForce) {
      this.safety(`${where}: block names epoch ${h.epoch}, but epoch ${inForce} is in force`);
      return false;
    }
    const first = h.height === this.opts.epochs.startOf(h.epoch);
    if (first !== (h.parentQc === null) || (h.parentQc !== null && h.parentQc.data.epoch !== h.epoch)) {
      this.safety(`${where}: parentQc ${h.parentQc === null ? 'missing' : `of epoch ${h.parentQc.data.epoch}`} (first height of epoch ${h.epoch}: ${first})`);
      return false;
    }
    return true;
  }

  private checkCertificate(node: NodeId, c: CommittedBlock): void {
    const h = c.block.header;
    const d = c.commitQc.data;
    const where = `member ${node} height ${h.height}`;
    if (d.epoch !== h.epoch) {
      this.safety(`${where}: commit certificate of epoch ${d.epoch} for a block of epoch ${h.epoch}`);
      return;
    }
    if (!this.certs.verifyQc(c.commitQc, this.opts.epochs.keys(d.epoch))) {
      this.safety(`${where}: commit certificate has no valid quorum of epoch ${d.epoch}'s members`);
      return;
    }
    const twoChain = d.parentView + 1 === d.view && d.height === c.certifiedHeight + 1;
    if (!twoChain || c.certifiedHeight < h.height) {
      this.safety(`${where}: certificate is not a 2-chain commit certificate (views ${d.parentView}->${d.view})`);
      return;
    }
    const suffix = c.suffix ?? [];
    const last = this.opts.epochs.endOf(h.epoch) === h.height;
    if (suffix.length > 0 && (!last || c.certifiedHeight === h.height)) {
      this.safety(`${where}: carries ${suffix.length} suffix headers but is not an epoch's last block committed as an ancestor`);
    } else if (c.certifiedHeight === h.height) {
      if (!bytesEqual(d.parentHash, c.hash)) this.safety(`${where}: certificate certifies another block`);
    } else if (last) {
      this.checkSuffix(where, c);
    } else {
      this.deferred.push({ node, epoch: h.epoch, height: h.height, certifiedHeight: c.certifiedHeight, parentHash: d.parentHash });
    }
  }

  // R20: the epoch's last block B was committed through a QC on a block above it, which never
  // enters the chain: the suffix headers must link B's hash to the certified block, one per
  // height, all of B's epoch and empty, and agree with every other honest node's suffix.
  private checkSuffix(where: string, c: CommittedBlock): void {
    const h = c.block.header;
    const suffix = c.suffix ?? [];
    if (suffix.length !== c.certifiedHeight - h.height) {
      this.safety(`${where}: ${suffix.length} suffix headers for a certificate ${c.certifiedHeight - h.height} heights above the epoch's last block`);
      return;
    }
    let tip = c.hash;
    for (const [i, s] of suffix.entries()) {
      if (s.epoch !== h.epoch || s.height !== h.height + i + 1 || !bytesEqual(s.parentHash, tip)) {
        this.safety(`${where}: suffix header ${i} does not hash-link to the block below it in epoch ${h.epoch}`);
        return;
      }
      if (!bytesEqual(s.txRoot, ZERO_HASH)) this.safety(`${where}: suffix block at height ${s.height} carries transactions`);
      tip = blockHash(s);
      const key = `${s.epoch}/${s.height}`;
      const seen = this.suffixAt.get(key);
      if (seen === undefined) this.suffixAt.set(key, toHex(tip));
      else if (seen !== toHex(tip)) this.safety(`two different suffix blocks of epoch ${s.epoch} at height ${s.height}`);
    }
    if (!bytesEqual(c.commitQc.data.parentHash, tip)) this.safety(`${where}: certificate does not certify the top of the suffix`);
  }

  private safety(message: string): void {
    this.found.push({ kind: 'safety', atMs: this.opts.now(), message });
  }
}
