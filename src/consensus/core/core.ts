import type { SafetyState, TimeoutMessage, ProposalMessage, VoteMessage, SyncInfoMessage } from '../../codec/consensus.js';
import { verifySignature, type SigningKey } from '../../crypto/ed25519.js';
import type { Block, BlockHeader, QuorumCert, TimeoutCert, VoteData } from '../../types/block.js';
import type { Hash, MemberIndex, Signature, View } from '../../types/primitives.js';
import { toHex } from '../../util/bytes.js';
import { invariant } from '../../util/errors.js';
import { BlockFetcher } from './block-fetcher.js';
import { CommitTracker } from './commit-rule.js';
import { BlockTree, blockHash, rootFromHead, type TreeNode } from './block-tree.js';
import { CertificateChecker, faultBound, quorumSize, tcMaxHighQcView, voteSigningBytes } from './certificates.js';
import { TimeoutCollector, VoteCollector } from './collectors.js';
import { leaderOf, reputationSchedule, scheduleEntry, scheduleHorizon, type LeaderSchedule, type ScheduleEntry } from './leader-schedule.js';
import { OutputBuilder } from './output-builder.js';
import { Pacemaker } from './pacemaker.js';
import { SafetyRules } from './safety-rules.js';
import type {
  CommittedHead, ConsensusCore, ConsensusEvent, ConsensusMessage, ConsensusOutput, CoreLogger, CoreMutations,
  CoreOptions, CoreStatus, EpochInfo, SignatureVerifier,
} from './types.js';
import { verifyProposal } from './verify-proposal.js';
import { verifyTimeout } from './verify-timeout.js';
import { VotedBlocks } from './voted-blocks.js';

/** Narrow dependencies of the core: a key to sign with, a verifier, an optional debug log. */
export interface CoreDeps {
  readonly signingKey: SigningKey;
  /** Defaults to crypto.verifySignature; the simulator shares a cached one across its nodes. */
  readonly verifier?: SignatureVerifier;
  readonly logger?: CoreLogger | null;
  /** R3a-R3d by default; the simulator injects a broken one to prove its invariants catch it. */
  readonly schedule?: LeaderSchedule;
  /** Replacement parts; only the simulator's planted-bug tests inject them (test/sim/planted-bugs.ts). */
  readonly overrides?: CoreOverrides;
}

/**
 * Parts of the core a test may replace with a deliberately broken one, so that planted bugs
 * live in test code rather than as branches in the production predicates.
 */
export interface CoreOverrides {
  readonly safetyRules?: (...args: ConstructorParameters<typeof SafetyRules>) => SafetyRules;
  readonly voteCollector?: (quorum: number) => VoteCollector;
}

const DEFAULT_MAX_FETCH_GAP = 64;
// An equivocating leader gets two blocks checked per view at most; the rest are dropped unread.
const MAX_PROPOSALS_PER_VIEW = 2;
/**
 * R8: votes are kept only for views up to this far above the current one. A vote may arrive
 * before the certificate that moves its receiver into the view (the receiver is a little
 * behind); beyond a few views it is noise, and an unbounded window let one member fill memory.
 */
export const VOTE_WINDOW_VIEWS = 8;

/** What the core holds for peers, as numbers (the simulator's bounded-memory invariant). */
export interface CoreHoldings {
  readonly votes: number;
  readonly maxVotesPerView: number;
  readonly timeouts: number;
  readonly proposalViews: number;
}

/**
 * 2-chain HotStuff (Jolteon / DiemBFT v4) as a pure, synchronous state machine: every input is
 * an event, every effect is in the returned ConsensusOutput, and nothing here reads a clock,
 * draws randomness or does I/O. Rules are numbered in docs/protocol.md and cited at the code
 * that enforces them.
 */
export class HotStuffCore implements ConsensusCore {
  private readonly chainId: string;
  private readonly self: MemberIndex;
  private readonly mutations: CoreMutations;
  private readonly certs: CertificateChecker;
  private readonly log: CoreLogger | null;
  private epoch: EpochInfo;
  private readonly safety: SafetyRules;
  private readonly pm: Pacemaker;
  private readonly tree: BlockTree;
  private votes: VoteCollector;
  private timeouts: TimeoutCollector;
  private readonly fetcher: BlockFetcher;
  private readonly voted: VotedBlocks;
  private readonly proposalsPerView = new Map<View, number>();
  private readonly lastSyncInfoTo = new Map<MemberIndex, View>();
  private requestedView = 0;
  private proposedView = 0;
  private ownTimeout: TimeoutMessage | null = null;
  private readonly commits: CommitTracker;
  private out = new OutputBuilder();
  private readonly schedule: LeaderSchedule;
  /** Committed blocks of this epoch up to the root, as the leader schedule reads them (R3a). */
  private history: ScheduleEntry[] = [];

  constructor(opts: CoreOptions, deps: CoreDeps) {
    this.chainId = opts.chainId;
    this.self = opts.self;
    this.mutations = opts.mutations ?? {};
    this.certs = new CertificateChecker(opts.chainId, deps.verifier ?? verifySignature);
    this.log = deps.logger ?? null;
    this.schedule = deps.schedule ?? reputationSchedule;
    this.epoch = opts.epoch;
    invariant(opts.self >= 0 && opts.self < opts.epoch.members.length, 'self is not a member');
    // A safety state from an older epoch says nothing about this one (R21).
    const s = opts.safety !== null && opts.safety.epoch === opts.epoch.epoch ? opts.safety : null;
    const makeRules = deps.overrides?.safetyRules ?? ((...a: ConstructorParameters<typeof SafetyRules>) => new SafetyRules(...a));
    this.safety = makeRules(opts.chainId, deps.signingKey, opts.epoch.epoch, s?.lastVotedView ?? 0, s?.lockedView ?? 0, this.mutations);
    this.pm = new Pacemaker(opts.params, opts.epoch.rootView, s?.highQc ?? null, s?.highTc ?? null);
    this.tree = new BlockTree(rootFromHead(opts.committedHead));
    this.voted = new VotedBlocks(s?.votedBlocks ?? []);
    this.voted.prune(opts.committedHead.height);
    this.resetHistory(opts.history ?? [], opts.committedHead.height);
    this.commits = new CommitTracker(this.tree, this.mutations.commitOneChain === true);
    this.fetcher = new BlockFetcher(
      { self: opts.self, memberCount: opts.epoch.members.length, maxFetchGap: opts.maxFetchGap ?? DEFAULT_MAX_FETCH_GAP },
      this.tree, (r) => this.out.request(r),
    );
    const q = quorumSize(opts.epoch.members.length);
    this.votes = deps.overrides?.voteCollector?.(q) ?? new VoteCollector(q);
    this.timeouts = new TimeoutCollector(q);
  }

  /** Snapshot for status pages and logs. */
  get status(): CoreStatus {
    const root = this.tree.root;
    return {
      epoch: this.epoch.epoch, view: this.pm.view, leader: this.leaderAfter(this.pm.view, this.highQcKey()) ?? leaderOf(this.pm.view, this.epoch.members.length),
      highQcView: this.pm.highQcView, lockedView: this.safety.lockedView, lastVotedView: this.safety.lastVotedView,
      committedHeight: root.height, committedHash: root.hash, syncing: this.fetcher.syncing,
    };
  }

  /**
   * R24: true when this view has nothing to order: it was entered by a QC for the view before
   * (not by a TC), no proposal of it arrived, no uncommitted block of the highQC's branch
   * carries transactions (what the leader of the view looks at; a fork below it can never
   * commit), no block is being fetched or synced, and no peer timed out in it (it has work
   * we may not know of: a proposal we missed, transactions only it holds). The runtime keeps
   * the view timer stopped while this holds and the pool has nothing to propose. Read-only.
   */
  get quiet(): boolean {
    const qc = this.pm.highQc;
    if (this.pm.view !== this.pm.highQcView + 1 || this.tree.hasBlockFrom(this.pm.view) || this.fetcher.busy) return false;
    if (this.timeouts.count(this.pm.view) > 0) return false;
    return qc === null || !this.tree.branchHasTxs(toHex(qc.data.blockHash));
  }

  /**
   * This node's highest certificates as a syncInfo message (read-only), or null when it has
   * none. The runtime sends it to the old member list when an epoch ends, so that members who
   * missed the QC that committed the epoch's last block (a removed member above all, which
   * nobody will talk to afterwards) still commit it and learn the new member set.
   */
  syncInfo(): SyncInfoMessage | null {
    if (this.pm.highQc === null && this.pm.highTc === null) return null;
    return { type: 'syncInfo', highQc: this.pm.highQc, highTc: this.pm.highTc };
  }

  /** Votes, timeouts and per-view proposal counters held now (read-only). */
  get holdings(): CoreHoldings {
    return { votes: this.votes.size, maxVotesPerView: this.votes.maxPerView, timeouts: this.timeouts.size, proposalViews: this.proposalsPerView.size };
  }

  /** A block this node holds above its committed root, to answer peers' fetch requests (read-only). */
  getBlock(hash: Hash): Block | undefined {
    const key = toHex(hash);
    return this.tree.get(key)?.block ?? this.voted.get(key) ?? this.fetcher.detachedBlock(key);
  }

  /** Applies one event and returns everything the runtime must do because of it. */
  step(event: ConsensusEvent): ConsensusOutput {
    this.out = new OutputBuilder();
    switch (event.type) {
      case 'start': this.onStart(); break;
      case 'message': if (this.isMember(event.from)) this.onMessage(event.from, event.message); break;
      case 'timeout': this.onTimer(event.view); break;
      case 'blockBuilt': this.onBlockBuilt(event.view, event.block); break;
      case 'blockChecked': this.onBlockChecked(event.hash, event.valid, event.vote !== false); break;
      case 'blocksFetched': if (this.isMember(event.from)) this.afterInsert(this.fetcher.accept(event.from, event.blocks)); break;
      case 'syncCompleted': this.onSyncCompleted(event.head, event.history ?? []); break;
    }
    return this.out.build();
  }

  private onStart(): void {
    // R14 after a restart: resume in the highest view the persisted state justifies.
    this.pm.resume(this.safety.lastVotedView);
    this.enterView();
    // Voted blocks survive restarts (R9) so that an honest node can always serve them (R17).
    this.afterInsert(this.fetcher.restore(this.voted.list()));
  }

  private enterView(): void {
    const view = this.pm.view;
    this.ownTimeout = null;
    this.out.setTimer(view, this.pm.timerDelayMs());
    this.votes.prune(view - 1);
    this.timeouts.prune(view);
    for (const v of this.proposalsPerView.keys()) if (v < view) this.proposalsPerView.delete(v);
    this.debug({ view }, 'Entered view');
    this.tryPropose();
  }

  private onTimer(view: View): void {
    if (view !== this.pm.view) return;
    this.localTimeout();
    // R13: keep re-broadcasting at the capped back-off until a certificate moves us on.
    this.out.setTimer(view, this.pm.timerDelayMs());
    this.fetcher.retry();
    this.tryPropose();
  }

  private isMember(from: MemberIndex): boolean {
    return Number.isInteger(from) && from >= 0 && from < this.epoch.members.length;
  }

  private onMessage(from: MemberIndex, m: ConsensusMessage): void {
    switch (m.type) {
      case 'proposal': return this.onProposal(from, m);
      case 'vote': return this.onVote(from, m);
      case 'timeout': return this.onTimeout(from, m);
      case 'syncInfo': return this.onSyncInfo(m);
    }
  }

  private onProposal(from: MemberIndex, m: ProposalMessage): void {
    const r = verifyProposal(m, this.chainId, this.epoch, this.certs);
    if (!r.ok) {
      this.debug({ from, reason: r.error }, 'Dropped proposal');
      return;
    }
    const h = m.block.header;
    if (h.parentQc !== null) this.processQc(h.parentQc, h.proposer);
    if (m.tc !== null) this.processTc(m.tc);
    if (h.view < this.pm.view) {
      this.sendSyncInfo(from);
      return;
    }
    // Still ahead after its own certificates: the proposal skipped a view without a TC (R4).
    if (h.view > this.pm.view) return;
    const key = toHex(r.value.hash);
    if (this.tree.knows(key) || (this.proposalsPerView.get(h.view) ?? 0) >= MAX_PROPOSALS_PER_VIEW) return;
    const seen = this.proposalsPerView.get(h.view) ?? 0;
    const root = this.tree.root;
    const parentKey = toHex(h.parentHash);
    // R16: a block conflicting with the committed chain can never be voted on.
    if (h.height - 1 < root.height || (h.height - 1 === root.height && parentKey !== root.key)) return;
    if (!this.tree.knows(parentKey)) {
      this.fetcher.park(parentKey, from, m);
      this.fetcher.want(h.parentHash, h.height - 1, h.proposer);
      return;
    }
    // R3/R4: the leader is a function of the parent's chain, so it is judged once that is here.
    if (h.proposer !== this.leaderAfter(h.view, parentKey)) {
      this.debug({ from, view: h.view, proposer: h.proposer }, 'Dropped proposal: proposer is not the leader of the view');
      return;
    }
    const node = this.tree.insert(m.block, r.value.hash, m.tc, 'checking');
    if (node === null) return;
    this.proposalsPerView.set(h.view, seen + 1);
    if (this.log !== null) this.debug({ view: h.view, height: h.height, qcView: r.value.qcView, tc: m.tc?.view ?? null }, 'Proposal accepted for checking');
    this.out.request({ kind: 'checkBlock', block: m.block, hash: node.hash });
  }

  private onVote(from: MemberIndex, m: VoteMessage): void {
    const d = m.data;
    const n = this.epoch.members.length;
    // R8: votes for view v go to the leader of v + 1 after the voted block (kept while that
    // block is unknown here: the proposal may arrive after its votes); only a QC above our highest helps.
    if (d.epoch !== this.epoch.epoch || (this.leaderAfter(d.view + 1, toHex(d.blockHash)) ?? this.self) !== this.self) return;
    if (d.view <= this.pm.highQcView || d.parentView >= d.view || d.height < this.epoch.startHeight) return;
    // R8: a bounded window of views, checked before the signature (a far view costs nothing).
    if (d.view > this.pm.view + VOTE_WINDOW_VIEWS) return;
    if (!this.certs.verifySigner(this.epoch.members, from, voteSigningBytes(this.chainId, d), m.signature)) {
      this.debug({ from, view: d.view }, 'Dropped vote with a bad signature');
      return;
    }
    this.addVote(d, from, m.signature);
  }

  private addVote(data: VoteData, from: MemberIndex, signature: Signature): void {
    const qc = this.votes.add(data, from, signature);
    if (qc !== null) this.processQc(qc, this.self);
  }

  private onTimeout(from: MemberIndex, m: TimeoutMessage): void {
    const members = this.epoch.members;
    const r = verifyTimeout(m, from, this.chainId, this.epoch, this.certs);
    if (!r.ok) {
      if (this.log !== null) this.debug({ from, view: m.view, reason: r.error }, 'Dropped timeout');
      return;
    }
    const qcView = r.value;
    if (m.highQc !== null) this.processQc(m.highQc, leaderOf(m.highQc.data.view, members.length));
    if (m.lastTc !== null) this.processTc(m.lastTc);
    if (m.view < this.pm.view) {
      this.sendSyncInfo(from);
      return;
    }
    const tc = this.timeouts.add(m.epoch, m.view, { member: from, highQcView: qcView, signature: m.signature }, m.highQc);
    // R15 (Bracha): f+1 timeouts include an honest one, so join it rather than wait for our timer.
    if (m.view === this.pm.view && this.ownTimeout === null && this.timeouts.count(m.view) > faultBound(members.length)) {
      this.localTimeout();
    }
    if (tc !== null) this.processTc(tc);
  }

  private onSyncInfo(m: SyncInfoMessage): void {
    const members = this.epoch.members;
    if (m.highQc !== null && m.highQc.data.epoch === this.epoch.epoch && this.certs.verifyQc(m.highQc, members)) {
      this.processQc(m.highQc, leaderOf(m.highQc.data.view, members.length));
    }
    if (m.highTc !== null && m.highTc.epoch === this.epoch.epoch && this.certs.verifyTc(m.highTc, members, this.epoch.rootView)) {
      this.processTc(m.highTc);
    }
  }

  // R15: answer a peer that is behind with our certificates, at most once per view per peer.
  private sendSyncInfo(to: MemberIndex): void {
    if (to === this.self || this.lastSyncInfoTo.get(to) === this.pm.view) return;
    if (this.pm.highQc === null && this.pm.highTc === null) return;
    this.lastSyncInfoTo.set(to, this.pm.view);
    this.out.send(to, { type: 'syncInfo', highQc: this.pm.highQc, highTc: this.pm.highTc });
  }

  private processQc(qc: QuorumCert, source: MemberIndex): void {
    const advanced = this.pm.observeQc(qc);
    this.fetcher.want(qc.data.blockHash, qc.data.height, source);
    this.applyCommits(qc);
    if (advanced) this.enterView();
  }

  // R11: a TC's highest QC is processed first, so the next leader holds it and can propose (R4).
  private processTc(tc: TimeoutCert): void {
    if (tc.highQc !== null) this.processQc(tc.highQc, leaderOf(tc.highQc.data.view, this.epoch.members.length));
    if (this.pm.observeTc(tc)) this.enterView();
  }

  // R12: the highest QC that commits something is applied once the blocks are here.
  private applyCommits(qc: QuorumCert | null): void {
    const r = this.commits.step(qc);
    if (r === null) return;
    if (r.kind === 'missing') {
      this.fetcher.want(r.target.hash, r.target.height, leaderOf(r.target.view, this.epoch.members.length));
      return;
    }
    this.voted.prune(r.height);
    for (const b of r.blocks) this.remember(b.block.header);
    this.out.commit(r.blocks);
    if (this.log !== null) this.debug({ height: r.height }, 'Committed');
  }

  private afterInsert(inserted: readonly TreeNode[]): void {
    for (const n of inserted) this.out.request({ kind: 'checkBlock', block: n.block, hash: n.hash });
    for (const p of this.fetcher.takeParked()) this.onProposal(p.from, p.message);
    this.applyCommits(null);
    this.tryPropose();
  }

  private onSyncCompleted(head: CommittedHead, history: readonly BlockHeader[]): void {
    this.fetcher.synced();
    if (head.height > this.tree.root.height && head.epoch === this.epoch.epoch) {
      this.tree.resetRoot(head);
      this.resetHistory(history, head.height);
      this.debug({ height: head.height }, 'Root moved by sync');
    }
    this.afterInsert(this.fetcher.connect());
  }

  private onBlockChecked(hash: Hash, valid: boolean, vote: boolean): void {
    const node = this.tree.get(toHex(hash));
    if (node === undefined || node.status !== 'checking') return;
    node.status = valid ? 'valid' : 'invalid';
    if (!valid) {
      this.debug({ view: node.view, height: node.height }, 'Block rejected by the application');
      return;
    }
    // R5: a valid block stays valid (it may be certified and committed without this vote).
    if (!vote) {
      this.debug({ view: node.view, height: node.height }, 'Valid block not voted for: timestamp too far ahead of the local clock');
      return;
    }
    this.tryVote(node);
  }

  private tryVote(node: TreeNode): void {
    if (node.view !== this.pm.view || node.status !== 'valid') return;
    const h = node.block.header;
    const qcView = h.parentQc === null ? this.epoch.rootView : h.parentQc.data.view;
    const vote = this.safety.makeVote(node.view, node.height, node.hash, qcView, h.parentHash, node.tc);
    if (vote === null) return;
    this.voted.add(node.key, node.block);
    // R9: the runtime makes this durable (with the block) before the vote below leaves the node.
    if (this.mutations.skipPersistBeforeVote !== true) this.persist();
    if (this.log !== null) this.debug({ view: node.view, height: node.height, qcView }, 'Voted');
    const next = this.leaderAfter(node.view + 1, node.key) ?? leaderOf(node.view + 1, this.epoch.members.length);
    if (next === this.self) this.addVote(vote.data, this.self, vote.signature);
    else this.out.send(next, vote);
  }

  private tryPropose(): void {
    const view = this.pm.view;
    if (this.requestedView >= view || this.fetcher.syncing) return;
    // R4/R7: nothing to propose in a view already voted or timed out in (before a restart, too).
    if (!this.safety.mayPropose(view)) return;
    const qc = this.pm.highQc;
    const qcView = this.pm.highQcView;
    const tc = this.pm.lastTc;
    // R4: propose only with a justification every honest voter accepts (R6).
    if (view !== qcView + 1 && (tc === null || qcView < tcMaxHighQcView(tc))) return;
    const parentHash = qc === null ? this.epoch.rootHash : qc.data.blockHash;
    const parentHeight = qc === null ? this.epoch.startHeight - 1 : qc.data.height;
    const parentKey = toHex(parentHash);
    const parent = this.tree.position(parentKey);
    // R3: who leads depends on the parent's chain; a missing parent was asked for with its QC.
    if (parent === null || this.leaderAfter(view, parentKey) !== this.self) return;
    if (this.tree.get(parentKey)?.status === 'invalid') {
      this.fetcher.want(parentHash, parentHeight, leaderOf(qcView, this.epoch.members.length));
      return;
    }
    this.requestedView = view;
    this.out.request({
      kind: 'buildBlock', epoch: this.epoch.epoch, view, height: parentHeight + 1, parentHash, parentQc: qc,
      proposer: this.self, parentTimestampMs: parent.timestampMs, pipelineHasTxs: this.tree.branchHasTxs(parentKey),
    });
  }

  private onBlockBuilt(view: View, block: Block | null): void {
    if (block === null || view !== this.pm.view || this.proposedView >= view || this.requestedView !== view) return;
    const h = block.header;
    invariant(h.view === view && h.proposer === this.self && h.epoch === this.epoch.epoch, 'application built a block for another slot');
    const hash = blockHash(h);
    const qcView = h.parentQc === null ? this.epoch.rootView : h.parentQc.data.view;
    const tc = qcView + 1 === view ? null : this.pm.lastTc;
    const signature = this.safety.signProposal(view, hash);
    if (signature === null) return;
    const node = this.tree.insert(block, hash, tc, 'valid');
    if (node === null) return;
    this.proposedView = view;
    // The leader's own vote below is persisted (R9) before this proposal leaves the node.
    this.out.send('all', { type: 'proposal', block, tc, signature });
    this.tryVote(node);
    if (this.safety.lastVotedView < view) {
      // Not voted (not safe for this node): still never sign another block for this view (R7).
      this.safety.recordTimeout(view);
      this.persist();
    }
  }

  private localTimeout(): void {
    const view = this.pm.view;
    const qc = this.pm.highQc;
    const qcView = this.pm.highQcView;
    const own = this.ownTimeout;
    if (own !== null && own.view === view && (own.highQc?.data.view ?? this.epoch.rootView) === qcView) {
      this.out.send('all', own);
      return;
    }
    const msg = this.safety.makeTimeout(view, qc, qcView, this.pm.lastTc);
    if (msg === null) {
      if (this.log !== null) this.debug({ view, qcView }, 'Not safe to time out');
      return;
    }
    this.persist();
    this.ownTimeout = msg;
    this.out.send('all', msg);
    const tc = this.timeouts.add(this.epoch.epoch, view, { member: this.self, highQcView: qcView, signature: msg.signature }, qc);
    if (tc !== null) this.processTc(tc);
  }

  /**
   * R3: the leader of `view` when its proposal extends the block `parentKey` (the root or a
   * held block); undefined when that block is not here. A pure function of the block's chain,
   * so every node that holds it names the same leader.
   */
  private leaderAfter(view: View, parentKey: string): MemberIndex | undefined {
    const branch = this.tree.branch(parentKey);
    if (branch === null) return undefined;
    const chain = branch.length === 0 ? this.history : [...this.history, ...branch.map((b) => scheduleEntry(b.block.header, this.epoch.rootView))];
    return this.schedule.leaderFor(view, chain, this.epoch.members.length);
  }

  private highQcKey(): string {
    const qc = this.pm.highQc;
    return qc === null ? toHex(this.epoch.rootHash) : toHex(qc.data.blockHash);
  }

  // Committed headers of this epoch ending at the head at `height` (from the application at
  // start and after a sync); anything else (another epoch, a gap) is not history of this chain.
  private resetHistory(headers: readonly BlockHeader[], height: number): void {
    this.history = [];
    const mine = headers.filter((h) => h.epoch === this.epoch.epoch && h.height >= this.epoch.startHeight && h.height <= height);
    const last = mine[mine.length - 1];
    if (last === undefined || last.height !== height) return;
    for (const h of mine) this.remember(h);
  }

  private remember(h: BlockHeader): void {
    if (h.epoch !== this.epoch.epoch || h.height < this.epoch.startHeight) return;
    const prev = this.history[this.history.length - 1];
    if (prev !== undefined && prev.height + 1 !== h.height) this.history = [];
    this.history.push(scheduleEntry(h, this.epoch.rootView));
    const keep = scheduleHorizon(this.epoch.members.length);
    if (this.history.length > 2 * keep) this.history = this.history.slice(-keep);
  }

  private persist(): void {
    const s: SafetyState = {
      epoch: this.safety.epoch, lastVotedView: this.safety.lastVotedView, lockedView: this.safety.lockedView,
      highQc: this.pm.highQc, highTc: this.pm.highTc, votedBlocks: this.voted.list(),
    };
    this.out.persist(s);
  }

  private debug(obj: Record<string, unknown>, msg: string): void {
    this.log?.debug({ self: this.self, ...obj }, msg);
  }
}
