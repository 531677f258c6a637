import { encodeVoteData } from '../../codec/block.js';
import type { MemberSignature, QuorumCert, TimeoutCert, TimeoutSignature, VoteData } from '../../types/block.js';
import type { MemberIndex, Signature, View } from '../../types/primitives.js';
import { toHex } from '../../util/bytes.js';

interface VoteEntry {
  readonly data: VoteData;
  readonly sigs: Map<MemberIndex, Signature>;
  done: boolean;
}

/** The votes held for one view: one per author (R8), grouped by their exact VoteData. */
interface ViewVotes {
  readonly authors: Set<MemberIndex>;
  readonly groups: Map<string, VoteEntry>;
}

/**
 * Aggregates verified votes into QCs (R8). Votes are grouped by their exact VoteData, so votes
 * for two different blocks of one view never mix; a quorum forms a QC once. Each member counts
 * once per view: its first vote is kept and any other for that view is ignored (an honest
 * member signs one vote per view, R7), so the collector holds at most one entry per member per
 * view, and the core admits only a bounded window of views (R8): memory is bounded whatever a
 * Byzantine member sends.
 */
export class VoteCollector {
  private readonly quorum: number;
  private readonly byView = new Map<View, ViewVotes>();

  constructor(quorum: number) {
    this.quorum = quorum;
  }

  /** Adds a verified vote; returns the QC when this vote completes a quorum, else null. */
  add(data: VoteData, member: MemberIndex, signature: Signature): QuorumCert | null {
    let v = this.byView.get(data.view);
    if (v === undefined) {
      v = { authors: new Set(), groups: new Map() };
      this.byView.set(data.view, v);
    }
    if (v.authors.has(member)) return null;
    v.authors.add(member);
    const key = toHex(encodeVoteData(data));
    let e = v.groups.get(key);
    if (e === undefined) {
      e = { data, sigs: new Map(), done: false };
      v.groups.set(key, e);
    }
    if (e.done) return null;
    e.sigs.set(member, signature);
    if (e.sigs.size < this.quorum) return null;
    e.done = true;
    const signatures: MemberSignature[] = [...e.sigs.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([m, s]) => ({ member: m, signature: s }));
    return { data: e.data, signatures };
  }

  /** Votes held, over every view (the simulator's bounded-memory invariant reads it). */
  get size(): number {
    let n = 0;
    for (const v of this.byView.values()) n += v.authors.size;
    return n;
  }

  /** Most votes held for one view. */
  get maxPerView(): number {
    let m = 0;
    for (const v of this.byView.values()) m = Math.max(m, v.authors.size);
    return m;
  }

  /** Forgets votes for views below `view`. */
  prune(view: View): void {
    for (const v of this.byView.keys()) if (v < view) this.byView.delete(v);
  }
}

interface HeldTimeout {
  readonly sig: TimeoutSignature;
  readonly highQc: QuorumCert | null;
}

/**
 * Collects verified timeouts per view (R11, R15): reports how many distinct members timed out
 * in a view (f+1 makes this node join) and forms the TC at a quorum, carrying the highest QC
 * its signers sent. A member's later timeout for the same view replaces its earlier one (it
 * may carry a higher QC).
 */
export class TimeoutCollector {
  private readonly quorum: number;
  private readonly byView = new Map<View, Map<MemberIndex, HeldTimeout>>();
  private readonly formed = new Set<View>();

  constructor(quorum: number) {
    this.quorum = quorum;
  }

  /**
   * Adds a verified timeout whose signature covers `sig.highQcView`, the view of `highQc`
   * (the epoch root's view when null); returns the TC when it completes a quorum for the first time.
   */
  add(epoch: number, view: View, sig: TimeoutSignature, highQc: QuorumCert | null): TimeoutCert | null {
    let m = this.byView.get(view);
    if (m === undefined) {
      m = new Map();
      this.byView.set(view, m);
    }
    m.set(sig.member, { sig, highQc });
    if (m.size < this.quorum || this.formed.has(view)) return null;
    this.formed.add(view);
    const held = [...m.values()].sort((a, b) => a.sig.member - b.sig.member);
    let top = held[0] as HeldTimeout;
    for (const h of held) if (h.sig.highQcView > top.sig.highQcView) top = h;
    return { epoch, view, signatures: held.map((h) => h.sig), highQc: top.highQc };
  }

  /** Distinct members that timed out in `view`. */
  count(view: View): number {
    return this.byView.get(view)?.size ?? 0;
  }

  /** Timeouts held, over every view (the simulator's bounded-memory invariant reads it). */
  get size(): number {
    let n = 0;
    for (const m of this.byView.values()) n += m.size;
    return n;
  }

  /** Forgets views below `view`. */
  prune(view: View): void {
    for (const v of this.byView.keys()) if (v < view) this.byView.delete(v);
    for (const v of this.formed) if (v < view) this.formed.delete(v);
  }
}
