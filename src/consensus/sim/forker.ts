import type { ConsensusWireMessage, ProposalMessage, TimeoutMessage } from '../../codec/consensus.js';
import { signMessage, type SigningKey } from '../../crypto/ed25519.js';
import type { Block, QuorumCert, TimeoutSignature } from '../../types/block.js';
import type { MemberIndex, View } from '../../types/primitives.js';
import { blockHash } from '../core/block-tree.js';
import { proposalSigningBytes, quorumSize, timeoutSigningBytes, voteSigningBytes } from '../core/certificates.js';
import { whenReady, type BlockSource } from './block-source.js';
import type { SeededRng } from './rng.js';

/** What the forker needs from its transport wrapper. */
export interface ForkerContext {
  /** This node's member index and the size of its member list now (both follow the epoch). */
  readonly self: () => MemberIndex;
  readonly chainId: string;
  readonly key: SigningKey;
  readonly memberCount: () => number;
  readonly rng: SeededRng;
  readonly app: BlockSource;
  readonly out: (m: ConsensusWireMessage, to: MemberIndex | 'all') => void;
  /** The network adversary colluding before GST: cuts a member off for a while (no-op after GST). */
  readonly isolate: (member: MemberIndex) => void;
}

/**
 * The attack the 2-chain lock (R5, R6) exists to stop, played by one Byzantine member:
 * 1. as leader with a QC that commits a block B, show the proposal to one member only, so one
 *    honest node commits B, and have the network (the adversary before GST) cut that member
 *    off so the others do not learn it (certificates are withheld: no syncInfo leaves here);
 * 2. echo every timeout it sees, so the others form a TC for the view without that QC;
 * 3. with that TC, propose for the same view a sibling F of B, justified by the QC of B's
 *    parent, and vote for every proposal it sees.
 * Honest nodes refuse F (its QC is below the TC's highest QC); nodes that ignore the lock vote
 * for it, and then two honest nodes commit B and F at one height.
 */
export class Forker {
  private readonly c: ForkerContext;
  private withheld: { proposal: ProposalMessage; lucky: MemberIndex } | null = null;
  private readonly timeouts = new Map<View, Map<MemberIndex, { sig: TimeoutSignature; highQc: QuorumCert | null }>>();
  private readonly echoed = new Set<View>();

  constructor(ctx: ForkerContext) {
    this.c = ctx;
  }

  /** A message the forker's own core wants to send. */
  outgoing(m: ConsensusWireMessage, to: MemberIndex | 'all'): void {
    // Its own timeouts and syncInfo would carry the withheld QC: the core's never leave.
    if (m.type === 'syncInfo' || m.type === 'timeout') return;
    if (m.type === 'proposal') {
      const qc = m.block.header.parentQc;
      if (m.tc === null && qc !== null && qc.data.parentView + 1 === qc.data.view) {
        const n = this.c.memberCount();
        const lucky = (this.c.self() + 1 + this.c.rng.range(0, n - 2)) % n;
        this.withheld = { proposal: m, lucky };
        this.c.out(m, lucky);
        // The one node that learns the commit is then kept from telling the others.
        this.c.isolate(lucky);
        return;
      }
    }
    this.c.out(m, to);
  }

  /** A message received from a peer (before the forker's core sees it). */
  incoming(from: MemberIndex, m: ConsensusWireMessage): void {
    if (m.type === 'proposal') this.voteFor(m.block);
    if (m.type !== 'timeout' || from === this.c.self()) return;
    const qcView = m.highQc === null ? 0 : m.highQc.data.view;
    this.collect(m.view, { member: from, highQcView: qcView, signature: m.signature }, m.highQc);
    if (!this.echoed.has(m.view)) {
      this.echoed.add(m.view);
      const signature = signMessage(this.c.key, timeoutSigningBytes(this.c.chainId, m.epoch, m.view, qcView));
      const echo: TimeoutMessage = { ...m, signature };
      this.c.out(echo, 'all');
      // In the TC it forms itself, it claims the lowest QC it may (the epoch root's): a TC
      // voting rule that read anything but the highest claim (R6) would let the fork through.
      const low = signMessage(this.c.key, timeoutSigningBytes(this.c.chainId, m.epoch, m.view, 0));
      this.collect(m.view, { member: this.c.self(), highQcView: 0, signature: low }, null);
    }
    this.tryFork(m.epoch, m.view);
  }

  private collect(view: View, sig: TimeoutSignature, highQc: QuorumCert | null): void {
    let byMember = this.timeouts.get(view);
    if (byMember === undefined) {
      byMember = new Map();
      this.timeouts.set(view, byMember);
      for (const v of this.timeouts.keys()) if (v < view - 8) this.timeouts.delete(v);
    }
    byMember.set(sig.member, { sig, highQc });
  }

  private tryFork(epoch: number, view: View): void {
    const w = this.withheld;
    const sigs = this.timeouts.get(view);
    if (w === null || sigs === undefined || sigs.size < quorumSize(this.c.memberCount())) return;
    const h = w.proposal.block.header;
    if (h.view !== view + 1) return;
    this.withheld = null;
    whenReady(this.c.app.knownBlock(h.parentHash), (parent) => {
      if (!parent?.header.parentQc) return;
      whenReady(this.c.app.knownBlock(parent.header.parentHash), (committed) => this.fork(epoch, view, w, sigs, committed));
    });
  }

  private fork(epoch: number, view: View, w: { proposal: ProposalMessage; lucky: MemberIndex }, sigs: ReadonlyMap<MemberIndex, { sig: TimeoutSignature; highQc: QuorumCert | null }>, committed: Block | null): void {
    const h = w.proposal.block.header;
    // The sibling extends the committed block's parent with that block's own justify (null for
    // the first block of the chain).
    const b = committed?.header;
    if (b === undefined || (b.parentQc === null && b.height !== 1)) return;
    const req = { epoch, view: h.view, height: b.height, parentHash: b.parentHash, parentQc: b.parentQc, proposer: h.proposer, timestampMs: h.timestampMs };
    whenReady(this.c.app.buildVariant(req, 7), (sibling) => {
      if (sibling === null) return;
      const held = [...sigs.values()].sort((x, y) => x.sig.member - y.sig.member);
      let top = held[0];
      for (const t of held) if (top === undefined || t.sig.highQcView > top.sig.highQcView) top = t;
      const tc = { epoch, view, signatures: held.map((t) => t.sig), highQc: top?.highQc ?? null };
      const f: ProposalMessage = { type: 'proposal', block: sibling, tc, signature: signMessage(this.c.key, proposalSigningBytes(this.c.chainId, blockHash(sibling.header))) };
      for (let i = 0; i < this.c.memberCount(); i++) if (i !== this.c.self() && i !== w.lucky) this.c.out(f, i);
      this.voteFor(sibling);
    });
  }

  private voteFor(block: Block): void {
    const h = block.header;
    const data = {
      epoch: h.epoch, view: h.view, height: h.height, blockHash: blockHash(h),
      parentView: h.parentQc === null ? 0 : h.parentQc.data.view, parentHash: h.parentHash,
    };
    this.c.out({ type: 'vote', data, signature: signMessage(this.c.key, voteSigningBytes(this.c.chainId, data)) }, (h.view + 1) % this.c.memberCount());
  }
}
