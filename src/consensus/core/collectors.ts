import { encodeVoteData } from '../../codec/block.js';
import type { MemberSignature, QuorumCert, TimeoutCert, TimeoutSignature, VoteData } from '../../types/block.js';
import type { MemberIndex, Signature, View } from '../../types/primitives.js';
import { toHex } from '../../util/bytes.js';

interface VoteEntry {
  readonly data: VoteData;
  readonly sigs: Map<MemberIndex, Signature>;
  done: boolean;
}

/**
 * Aggregates verified votes into QCs (R8). Votes are grouped by their exact VoteData, so votes
 * for two different blocks of one view never mix; a quorum forms a QC once.
 */
export class VoteCollector {
  private readonly quorum: number;
  private readonly byKey = new Map<string, VoteEntry>();

  constructor(quorum: number) {
    this.quorum = quorum;
  }

  /** Adds a verified vote; returns the QC when this vote completes a quorum, else null. */
  add(data: VoteData, member: MemberIndex, signature: Signature): QuorumCert | null {
    const key = `${data.view}:${toHex(encodeVoteData(data))}`;
    let e = this.byKey.get(key);
    if (e === undefined) {
      e = { data, sigs: new Map(), done: false };
      this.byKey.set(key, e);
    }
    if (e.done || e.sigs.has(member)) return null;
    e.sigs.set(member, signature);
    if (e.sigs.size < this.quorum) return null;
    e.done = true;
    const signatures: MemberSignature[] = [...e.sigs.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([m, s]) => ({ member: m, signature: s }));
    return { data: e.data, signatures };
  }

  /** Forgets votes for views below `view`. */
  prune(view: View): void {
    for (const [k, e] of this.byKey) if (e.data.view < view) this.byKey.delete(k);
  }
}

/**
 * Collects verified timeouts per view (R11, R15): reports how many distinct members timed out
 * in a view (f+1 makes this node join) and forms the TC at a quorum. A member's later timeout
 * for the same view replaces its earlier one (it may carry a higher QC).
 */
export class TimeoutCollector {
  private readonly quorum: number;
  private readonly byView = new Map<View, Map<MemberIndex, TimeoutSignature>>();
  private readonly formed = new Set<View>();

  constructor(quorum: number) {
    this.quorum = quorum;
  }

  /** Adds a verified timeout; returns the TC when it completes a quorum for the first time. */
  add(epoch: number, view: View, sig: TimeoutSignature): TimeoutCert | null {
    let m = this.byView.get(view);
    if (m === undefined) {
      m = new Map();
      this.byView.set(view, m);
    }
    m.set(sig.member, sig);
    if (m.size < this.quorum || this.formed.has(view)) return null;
    this.formed.add(view);
    const signatures = [...m.values()].sort((a, b) => a.member - b.member);
    return { epoch, view, signatures };
  }

  /** Distinct members that timed out in `view`. */
  count(view: View): number {
    return this.byView.get(view)?.size ?? 0;
  }

  /** Forgets views below `view`. */
  prune(view: View): void {
    for (const v of this.byView.keys()) if (v < view) this.byView.delete(v);
    for (const v of this.formed) if (v < view) this.formed.delete(v);
  }
}
