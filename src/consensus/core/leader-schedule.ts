import type { BlockHeader } from '../../types/block.js';
import type { Height, MemberIndex, View } from '../../types/primitives.js';

/**
 * R3: round-robin, the leader of view v is members[v mod n] of the epoch. It needs no
 * agreement beyond the member list; the reputation schedule below falls back to it whenever
 * there is no committed history to read (genesis, a new epoch).
 */
export function leaderOf(view: View, memberCount: number): MemberIndex {
  return view % memberCount;
}

/** One block of a chain as the leader schedule reads it (all of it is in the block's header). */
export interface ScheduleEntry {
  readonly height: Height;
  readonly view: View;
  /** View of the parent: its QC's view, or the epoch's root view for the epoch's first block. */
  readonly parentView: View;
  readonly proposer: MemberIndex;
  /** Members whose votes form the block's parentQc (the certificate of its parent). */
  readonly signers: readonly MemberIndex[];
}

/** The schedule's view of a header of an epoch whose root is at `rootView`. */
export function scheduleEntry(h: BlockHeader, rootView: View): ScheduleEntry {
  const qc = h.parentQc;
  return {
    height: h.height, view: h.view, proposer: h.proposer,
    parentView: qc === null ? rootView : qc.data.view,
    signers: qc === null ? [] : qc.signatures.map((s) => s.member),
  };
}

/** R3a: committed blocks the reputation window spans: three turns of every member. */
export function reputationWindow(memberCount: number): number {
  return 3 * memberCount;
}

/**
 * R3a: how many blocks below the parent the schedule may read (the window, the window of the
 * oldest block in it, and the certified blocks above the committed anchor). The schedule
 * reads nothing older, so every node that holds this many blocks (or the whole epoch) derives
 * the same leader from the same parent.
 */
export function scheduleHorizon(memberCount: number): number {
  return 3 * reputationWindow(memberCount);
}

/** Computes the leader of a view from the chain the view's proposal extends. */
export interface LeaderSchedule {
  /**
   * The leader of `view` when its proposal extends the last entry of `chain`: `chain` is the
   * parent and its ancestors of the current epoch, ascending and contiguous (it may start
   * anywhere at or below the horizon, or at the epoch's first block).
   */
  leaderFor(view: View, chain: readonly ScheduleEntry[], memberCount: number): MemberIndex;
}

/**
 * Leader reputation (docs/protocol.md R3a-R3d), in the spirit of aptos-core's
 * LeaderReputation and the Carousel rule, as a pure function of the parent's ancestry:
 * - R3a the window is the last W blocks up to the highest block the chain itself proves
 *   committed (a block followed by one of the next view, whose certificate the chain carries);
 * - R3b a member is active when it proposed one of those blocks or signed one of their
 *   parent certificates;
 * - R3c a member failed when a committed block of the window follows views that produced
 *   nothing, and the member was the last such view's leader by the activity rule alone;
 * - R3d the leader of view v is the first eligible member (active and not failed; all active
 *   ones when none is) at or after position v mod n; round-robin while the chain does not
 *   hold a full window below its committed tip (genesis, a new epoch).
 */
export const reputationSchedule: LeaderSchedule = {
  leaderFor(view, chain, memberCount) {
    const recent = chain.length > scheduleHorizon(memberCount) ? chain.slice(-scheduleHorizon(memberCount)) : chain;
    return pick(view, eligible(recent, recent.length - 1, memberCount, true), memberCount);
  },
};

// R3a: the index of the highest block the chain up to `end` proves committed, or -1. The block
// at `end` is certified (its QC is what the caller extends), and so is every ancestor.
function committedTip(chain: readonly ScheduleEntry[], end: number): number {
  for (let i = end; i >= 1; i--) {
    const e = chain[i] as ScheduleEntry;
    if (e.parentView + 1 === e.view) return i - 1;
  }
  return -1;
}

// R3b-R3c: the members eligible to lead after the chain up to `end`; null means no history.
function eligible(chain: readonly ScheduleEntry[], end: number, n: number, judgeFailures: boolean): ReadonlySet<MemberIndex> | null {
  const tip = committedTip(chain, end);
  // A window not yet full (the epoch's first blocks) would crown whoever happened to lead them.
  const lo = tip - reputationWindow(n) + 1;
  if (tip < 0 || lo < 0) return null;
  const active = new Set<MemberIndex>();
  for (let i = lo; i <= tip; i++) {
    const e = chain[i] as ScheduleEntry;
    active.add(e.proposer);
    for (const s of e.signers) active.add(s);
  }
  if (!judgeFailures) return active;
  const failed = new Set<MemberIndex>();
  for (let i = Math.max(lo, 1); i <= tip; i++) {
    const e = chain[i] as ScheduleEntry;
    // Votes of view w go to the leader of w + 1, so the view just before the block failed with
    // its aggregator (this block's proposer) alive: its own leader did not propose. Earlier
    // skipped views may have failed for want of that leader's aggregation, not their own.
    if (e.view > e.parentView + 1) failed.add(pick(e.view - 1, eligible(chain, i - 1, n, false), n));
  }
  const ok = new Set([...active].filter((m) => !failed.has(m)));
  return ok.size > 0 ? ok : active;
}

// R3d: the first eligible member at or after position view mod n.
function pick(view: View, members: ReadonlySet<MemberIndex> | null, n: number): MemberIndex {
  if (members === null || members.size === 0) return leaderOf(view, n);
  for (let k = 0; k < n; k++) {
    const m = (view + k) % n;
    if (members.has(m)) return m;
  }
  return leaderOf(view, n);
}

/** R3 alone: round-robin whatever the history (the schedule before reputation; a baseline for measurements). */
export const roundRobinSchedule: LeaderSchedule = {
  leaderFor: (view, _chain, memberCount) => leaderOf(view, memberCount),
};
