import { encodeVoteData } from '../../src/codec/block.js';
import { tcMaxHighQcView } from '../../src/consensus/core/certificates.js';
import { VoteCollector } from '../../src/consensus/core/collectors.js';
import type { CoreOverrides } from '../../src/consensus/core/core.js';
import { SafetyRules } from '../../src/consensus/core/safety-rules.js';
import type { QuorumCert, TimeoutCert, VoteData } from '../../src/types/block.js';
import type { MemberIndex, Signature, View } from '../../src/types/primitives.js';
import { toHex } from '../../src/util/bytes.js';

// Subtle planted bugs, injected into honest cores through CoreOverrides: the production
// predicates carry no switch for them. Each is the kind of slip a reviewer could miss.

/** R6: after a TC, compares the block's QC with the LOWEST view the TC reports, not the highest. */
class MinTcRules extends SafetyRules {
  override safeToVote(view: View, qcView: View, tc: TimeoutCert | null): boolean {
    if (!(view > this.lastVotedView) || view <= qcView) return false;
    if (view === qcView + 1) return true;
    if (tc === null || view !== tc.view + 1) return false;
    let low = tcMaxHighQcView(tc);
    for (const s of tc.signatures) low = Math.min(low, s.highQcView);
    return qcView >= low;
  }
}

/** R4/R7: forgets that a leader must not propose in a view it already voted in (lost on restart). */
class ReproposingRules extends SafetyRules {
  override mayPropose(): boolean {
    return true;
  }
}

/** R8: groups votes by their whole VoteData, as before, so one member holds many entries per view. */
class PerDataVoteCollector extends VoteCollector {
  private readonly q: number;
  private readonly byKey = new Map<string, { data: VoteData; sigs: Map<MemberIndex, Signature>; done: boolean }>();

  constructor(quorum: number) {
    super(quorum);
    this.q = quorum;
  }

  override add(data: VoteData, member: MemberIndex, signature: Signature): QuorumCert | null {
    const key = toHex(encodeVoteData(data));
    let e = this.byKey.get(key);
    if (e === undefined) {
      e = { data, sigs: new Map(), done: false };
      this.byKey.set(key, e);
    }
    if (e.done || e.sigs.has(member)) return null;
    e.sigs.set(member, signature);
    if (e.sigs.size < this.q) return null;
    e.done = true;
    return { data: e.data, signatures: [...e.sigs].sort((a, b) => a[0] - b[0]).map(([m, s]) => ({ member: m, signature: s })) };
  }

  override get size(): number {
    let n = 0;
    for (const e of this.byKey.values()) n += e.sigs.size;
    return n;
  }

  override get maxPerView(): number {
    const per = new Map<View, number>();
    for (const e of this.byKey.values()) per.set(e.data.view, (per.get(e.data.view) ?? 0) + e.sigs.size);
    return Math.max(0, ...per.values());
  }

  override prune(view: View): void {
    for (const [k, e] of this.byKey) if (e.data.view < view) this.byKey.delete(k);
  }
}

/** The planted core bugs, by name. */
export const PLANTED: Readonly<Record<'minTcRule' | 'reproposeAfterRestart' | 'votesPerData', CoreOverrides>> = {
  minTcRule: { safetyRules: (...a) => new MinTcRules(...a) },
  reproposeAfterRestart: { safetyRules: (...a) => new ReproposingRules(...a) },
  votesPerData: { voteCollector: (q) => new PerDataVoteCollector(q) },
};
