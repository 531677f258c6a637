import { decodeConsensusMessage } from '../../codec/consensus.js';
import type { CommittedBlock } from '../../types/block.js';
import type { Hash, Height, MemberIndex, PublicKey } from '../../types/primitives.js';
import { bytesEqual, toHex } from '../../util/bytes.js';
import { blockHash } from '../core/block-tree.js';
import { CertificateChecker } from '../core/certificates.js';
import type { SignatureVerifier } from '../core/types.js';

/** A broken property, with the virtual time it was seen. */
export interface Violation {
  readonly kind: 'safety' | 'liveness';
  readonly atMs: number;
  readonly message: string;
}

/** Options of the monitor. */
export interface InvariantMonitorOptions {
  readonly chainId: string;
  /** Member keys in force at every height (one epoch in the simulator). */
  readonly members: readonly PublicKey[];
  /** True for members whose behaviour is honest (Byzantine and twin members are not judged). */
  readonly honest: (member: MemberIndex) => boolean;
  readonly now: () => number;
  readonly verifier: SignatureVerifier;
}

interface Deferred {
  readonly member: MemberIndex;
  readonly height: Height;
  readonly certifiedHeight: Height;
  readonly parentHash: Hash;
}

/**
 * Checks the simulator's safety properties as events happen (HOUSE-STYLE.md, Simulation):
 * no two honest nodes commit different blocks at one height; every committed block carries a
 * valid 2-chain certificate from the member set at its height; no honest node signs two votes
 * in one view; no node's committed height goes down across a restart. Liveness after GST is
 * judged by the simulation, which knows the schedule.
 */
export class InvariantMonitor {
  private readonly opts: InvariantMonitorOptions;
  private readonly certs: CertificateChecker;
  private readonly byHeight = new Map<Height, string>();
  private readonly heads = new Map<MemberIndex, { height: Height; hash: string }>();
  private readonly votes = new Set<string>();
  private readonly deferred: Deferred[] = [];
  private readonly found: Violation[] = [];
  private blocksCommitted = 0;

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
    for (const [member, h] of this.heads) if (this.opts.honest(member)) m = Math.max(m, h.height);
    return m;
  }

  /** Blocks committed by honest nodes, counted once per node. */
  get committedBlocks(): number {
    return this.blocksCommitted;
  }

  /** Committed height of a member (0 before its first commit). */
  heightOf(member: MemberIndex): Height {
    return this.heads.get(member)?.height ?? 0;
  }

  /** Records a failure found elsewhere (liveness, a halted honest node). */
  report(kind: Violation['kind'], message: string): void {
    this.found.push({ kind, atMs: this.opts.now(), message });
  }

  /** Every commit of every honest node goes through here. */
  onCommit(member: MemberIndex, blocks: readonly CommittedBlock[]): void {
    if (!this.opts.honest(member)) return;
    for (const c of blocks) this.checkCommitted(member, c);
  }

  /** Every message an honest endpoint sends goes through here; finds double votes. */
  onSend(member: MemberIndex, bytes: Uint8Array): void {
    // PERF: a vote encodes as [1, voteData, sig]: fixarray(3) then tag 1; skip the rest undecoded.
    if (!this.opts.honest(member) || bytes[0] !== 0x93 || bytes[1] !== 0x01) return;
    const m = decodeConsensusMessage(bytes);
    if (m.type !== 'vote') return;
    const key = `${member}/${m.data.epoch}/${m.data.view}`;
    if (this.votes.has(key)) this.safety(`member ${member} signed two votes in view ${m.data.view}`);
    this.votes.add(key);
  }

  /** A node restarted: its durable height must not have gone down. */
  onRestart(member: MemberIndex, committedHeight: Height): void {
    const before = this.heads.get(member)?.height ?? 0;
    if (committedHeight < before) this.safety(`member ${member} restarted at height ${committedHeight} below ${before}`);
  }

  /** Certificates of blocks committed as ancestors, checked once the certified block is known. */
  finish(): void {
    for (const d of this.deferred) {
      const at = this.byHeight.get(d.certifiedHeight);
      if (at === undefined) this.safety(`height ${d.height} committed by member ${d.member} with a certificate for uncommitted height ${d.certifiedHeight}`);
      else if (at !== toHex(d.parentHash)) this.safety(`height ${d.height} certificate names a block not committed at ${d.certifiedHeight}`);
    }
    this.deferred.length = 0;
  }

  private checkCommitted(member: MemberIndex, c: CommittedBlock): void {
    const h = c.block.header;
    const key = toHex(c.hash);
    const prev = this.heads.get(member) ?? { height: 0, hash: '' };
    if (h.height !== prev.height + 1) this.safety(`member ${member} committed height ${h.height} after ${prev.height}`);
    if (prev.height > 0 && toHex(h.parentHash) !== prev.hash) this.safety(`member ${member} committed height ${h.height} not linked to its previous block`);
    if (!bytesEqual(blockHash(h), c.hash)) this.safety(`member ${member} committed height ${h.height} under a wrong hash`);
    this.heads.set(member, { height: h.height, hash: key });
    this.blocksCommitted++;
    const other = this.byHeight.get(h.height);
    if (other === undefined) this.byHeight.set(h.height, key);
    else if (other !== key) this.safety(`two different blocks committed at height ${h.height} (member ${member})`);
    this.checkCertificate(member, c);
  }

  private checkCertificate(member: MemberIndex, c: CommittedBlock): void {
    const h = c.block.header;
    const d = c.commitQc.data;
    const where = `member ${member} height ${h.height}`;
    if (!this.certs.verifyQc(c.commitQc, this.opts.members)) {
      this.safety(`${where}: commit certificate has no valid quorum`);
      return;
    }
    const twoChain = d.parentView + 1 === d.view && d.height === c.certifiedHeight + 1;
    if (!twoChain || c.certifiedHeight < h.height) {
      this.safety(`${where}: certificate is not a 2-chain commit certificate (views ${d.parentView}->${d.view})`);
      return;
    }
    if (c.certifiedHeight === h.height) {
      if (!bytesEqual(d.parentHash, c.hash)) this.safety(`${where}: certificate certifies another block`);
    } else {
      this.deferred.push({ member, height: h.height, certifiedHeight: c.certifiedHeight, parentHash: d.parentHash });
    }
  }

  private safety(message: string): void {
    this.found.push({ kind: 'safety', atMs: this.opts.now(), message });
  }
}
