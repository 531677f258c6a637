import { describe, expect, it } from 'vitest';
import {
  leaderOf, reputationSchedule, reputationWindow, scheduleEntry, scheduleHorizon, type ScheduleEntry,
} from '../../../src/consensus/core/leader-schedule.js';
import type { MemberIndex, View } from '../../../src/types/primitives.js';
import { chain as blockChain, deliver, makeBlock, proposalOf, qcOn, startCore, votesIn, type TestBlock } from './fixture.js';

const N = 4;
const W = reputationWindow(N);

/** A block of `view` proposed by `proposer`, whose parentQc has view `parentView` and `signers`. */
function entry(height: number, view: View, parentView: View, proposer: MemberIndex, signers: readonly MemberIndex[]): ScheduleEntry {
  return { height, view, parentView, proposer, signers };
}

/**
 * A chain of consecutive views 1..count (every block extends the QC of the view just before),
 * proposed by `proposerOf(view)` and certified by `signersOf(view)` (the signers a block's
 * child carries for it).
 */
function run(count: number, proposerOf: (v: View) => MemberIndex, signersOf: (v: View) => readonly MemberIndex[]): ScheduleEntry[] {
  const out: ScheduleEntry[] = [];
  for (let v = 1; v <= count; v++) out.push(entry(v, v, v - 1, proposerOf(v), v === 1 ? [] : signersOf(v - 1)));
  return out;
}

/** Appends a block of `view` on top of `chain` (a gap when view > top.view + 1). */
function extend(chain: readonly ScheduleEntry[], view: View, proposer: MemberIndex, signers: readonly MemberIndex[]): ScheduleEntry[] {
  const top = chain[chain.length - 1] as ScheduleEntry;
  return [...chain, entry(top.height + 1, view, top.view, proposer, signers)];
}

const leader = (view: View, chain: readonly ScheduleEntry[]): MemberIndex => reputationSchedule.leaderFor(view, chain, N);
const leadersOver = (from: View, chain: readonly ScheduleEntry[]): MemberIndex[] => [0, 1, 2, 3].map((k) => leader(from + k, chain));

// Member 3 is down: it never proposes and signs nothing; the three others lead in turn.
const without3 = (v: View): MemberIndex => [0, 1, 2][v % 3] as MemberIndex;
const all = (): MemberIndex[] => [0, 1, 2, 3];

describe('leader schedule (reputation)', () => {
  it('is round-robin while no full window of committed blocks exists (genesis, a new epoch)', () => {
    // docs/protocol.md R3d: round-robin while the chain holds no full window below its committed tip
    expect([0, 1, 2, 3, 4, 5, 9].map((v) => leaderOf(v, N))).toEqual([0, 1, 2, 3, 0, 1, 1]);
    expect(leadersOver(8, [])).toEqual([0, 1, 2, 3]);
    // W blocks, but the top one is only certified: W - 1 committed blocks, one short.
    const almost = run(W, without3, () => [0, 1, 2]);
    expect(leadersOver(W + 1, almost)).toEqual([W + 1, W + 2, W + 3, W + 4].map((v) => leaderOf(v, N)));
  });

  it('skips a member absent from every block and certificate of the window, and gives the others every turn', () => {
    // docs/protocol.md R3b, R3d: only active members lead; the first eligible member at or after v mod n
    const c = run(W + 1, without3, () => [0, 1, 2]);
    const views = [W + 2, W + 3, W + 4, W + 5];
    const leaders = views.map((v) => leader(v, c));
    expect(leaders).not.toContain(3);
    expect(new Set(leaders)).toEqual(new Set([0, 1, 2]));
    // Member 3's slot goes to the next active member.
    const slotOf3 = views.find((v) => v % N === 3) as View;
    expect(leader(slotOf3, c)).toBe(0);
  });

  it('counts a member that only signs certificates, or only proposes, as active', () => {
    // docs/protocol.md R3b: a member is active when it proposed a window block or signed one of their parent certificates
    const signsOnce = run(W + 1, without3, (v) => (v === 5 ? [0, 1, 3] : [0, 1, 2]));
    expect(leadersOver(W + 2, signsOnce)).toContain(3);
    const proposesOnce = run(W + 1, (v) => (v === 6 ? 3 : without3(v)), () => [0, 1, 2]);
    expect(leadersOver(W + 2, proposesOnce)).toContain(3);
  });

  it('reads only blocks the chain proves committed: the certified top and its certificates do not count', () => {
    // docs/protocol.md R3a: the window ends at the highest block followed by a block of the next view
    const base = run(W + 1, without3, () => [0, 1, 2]);
    // Member 3 comes back: it signs the certificate of the top block (carried by its child)
    // and proposes the child. The child is certified, not committed: 3 stays skipped.
    const back = extend(base, W + 2, 3, [1, 2, 3]);
    expect(leadersOver(W + 3, back)).not.toContain(3);
    // One more block of the next view commits the child: now 3 is active again.
    const committed = extend(back, W + 3, 0, [0, 1, 2]);
    expect(leadersOver(W + 4, committed)).toContain(3);
  });

  it('forgets a member whose last block and signature left the window', () => {
    // docs/protocol.md R3a, R3b: activity is judged on the last W committed blocks only
    const crashAt = 10;
    const c = run(crashAt + W + 1, (v) => (v < crashAt ? leaderOf(v, N) : without3(v)), (v) => (v < crashAt ? [1, 2, 3] : [0, 1, 2]));
    expect(leadersOver(crashAt + W + 2, c)).not.toContain(3);
    const stillSeen = run(crashAt + W - 2, (v) => (v < crashAt ? leaderOf(v, N) : without3(v)), (v) => (v < crashAt ? [1, 2, 3] : [0, 1, 2]));
    expect(leadersOver(crashAt + W - 1, stillSeen)).toContain(3);
  });

  it('skips the leader of the last view of a gap, whose votes the next proposer was alive to collect', () => {
    // docs/protocol.md R3c: a member failed when a committed block follows skipped views and it led the last one
    const c = run(W + 4, (v) => leaderOf(v, N), all);
    const top = c[c.length - 1] as ScheduleEntry;
    // Two views produce nothing: the first one's votes went to the second one's leader, who
    // was down; that leader is the one to blame, not the honest proposer before it.
    const [first, last] = [top.view + 1, top.view + 2];
    let g = extend(c, last + 1, leaderOf(last + 1, N), all());
    expect(leadersOver(last + 2, g)).toContain(leaderOf(last, N));
    g = extend(g, last + 2, leaderOf(last + 2, N), all());
    const after = leadersOver(last + 3, g);
    expect(after).not.toContain(leaderOf(last, N));
    expect(after).toContain(leaderOf(first, N));
  });

  it('lets a failed member lead again once its failure left the window', () => {
    // docs/protocol.md R3c: failures are judged on the window only, so every active member gets turns again
    let c = run(W + 4, (v) => leaderOf(v, N), all);
    const failedView = W + 5;
    const failed = leaderOf(failedView, N);
    // One view produced nothing (gap of one), then two blocks commit the one after it.
    c = extend(c, failedView + 1, leaderOf(failedView + 1, N), all());
    let v = failedView + 2;
    c = extend(c, v, leaderOf(v, N), all());
    expect(leadersOver(v + 1, c)).not.toContain(failed);
    for (let k = 0; k < W; k++) {
      v++;
      c = extend(c, v, leader(v, c), all());
    }
    expect(leadersOver(v + 1, c)).toContain(failed);
  });

  it('keeps every active member when all of them failed', () => {
    // docs/protocol.md R3c: eligible = active minus failed, or all active ones when none is left
    let c = run(W, without3, () => [0, 1, 2]);
    let v = W;
    for (const blamed of [0, 1, 2]) {
      // Run consecutive blocks up to the view before `blamed`'s slot, which then produces nothing.
      while ((v + 1) % N !== blamed) {
        v++;
        c = extend(c, v, without3(v), [0, 1, 2]);
      }
      v += 2;
      c = extend(c, v, without3(v), [0, 1, 2]);
    }
    v++;
    c = extend(c, v, without3(v), [0, 1, 2]);
    // All three active members failed: they still lead (the down member 3 does not).
    expect(new Set(leadersOver(v + 1, c))).toEqual(new Set([0, 1, 2]));
  });

  it('is a function of the parent chain up to its horizon: older history changes nothing', () => {
    // docs/protocol.md R3a: every node holding the horizon (or the whole epoch) names the same leader
    const H = scheduleHorizon(N);
    const long = run(H + 40, (v) => (v % 7 === 0 ? 3 : without3(v)), (v) => (v % 5 === 0 ? [0, 2, 3] : [0, 1, 2]));
    for (let v = H + 41; v < H + 49; v++) expect(leader(v, long)).toBe(leader(v, long.slice(-H)));
  });

  it('does not let a member that votes but never leads keep its turns (gaming the window)', () => {
    // docs/protocol.md R3b-R3d: a member that withholds its proposals is skipped after its first failed turn
    const gamer = 3;
    let c = run(W, without3, (v) => (v % 4 === 0 ? [0, 1, gamer] : [0, 1, 2]));
    let v = W;
    let failures = 0;
    for (let k = 0; k < 6 * W; k++) {
      v++;
      const l = leader(v, c);
      if (l === gamer) {
        failures++;
        v++; // its view produced nothing; the next view's leader extends the same parent
        const next = leader(v, c);
        c = extend(c, v, next, v % 4 === 0 ? [0, 1, gamer] : [0, 1, 2]);
      } else {
        c = extend(c, v, l, v % 4 === 0 ? [0, 1, gamer] : [0, 1, 2]);
      }
    }
    // Round-robin would give it 6W / 4 turns; reputation about one per window.
    expect(failures).toBeLessThanOrEqual(8);
    expect(failures).toBeGreaterThanOrEqual(1);
  });

  it('reads headers: the parent certificate gives the signers and the parent view', () => {
    // docs/protocol.md R3b: a block's parentQc names the members that certified its parent
    const { blocks } = blockChain(3);
    const h = blocks[2]!.block.header;
    expect(scheduleEntry(h, 0)).toEqual({ height: 3, view: 3, parentView: 2, proposer: 3, signers: [0, 1, 2] });
    expect(scheduleEntry(blocks[0]!.block.header, 7).parentView).toBe(7);
  });

  it('drives the core: a proposal from a skipped member is dropped, and votes go to the reputation leader', () => {
    // docs/protocol.md R3, R4, R8: the core judges proposals and sends votes by the schedule over its committed history
    const blocks: TestBlock[] = [];
    // Views 2..W+2 (member 3 down: it proposes and signs nothing); the last one is the committed head.
    for (let v = 2; v <= W + 2; v++) {
      const parent = blocks[blocks.length - 1] ?? null;
      blocks.push(makeBlock(v, parent, parent === null ? null : qcOn(parent), { proposer: without3(v) }));
    }
    const root = blocks[blocks.length - 1] as TestBlock;
    const rh = root.block.header;
    const head = { height: rh.height, hash: root.hash, view: rh.view, epoch: 0, timestampMs: rh.timestampMs };
    const qc = qcOn(root);
    const safety = { epoch: 0, lastVotedView: rh.view, lockedView: rh.view - 1, highQc: qc, highTc: null, votedBlocks: [] };
    const history = blocks.map((b) => b.block.header);
    const view = rh.view + 1;
    expect(leaderOf(view, N)).toBe(3);
    const by3 = makeBlock(view, root, qc, { proposer: 3 });
    const by0 = makeBlock(view, root, qc, { proposer: 0 });
    // With the history, member 3's round-robin slot goes to member 0.
    const { core } = startCore(1, { head, safety, history });
    expect(deliver(core, 3, proposalOf(by3)).requests).toEqual([]);
    expect(deliver(core, 0, proposalOf(by0)).requests).toEqual([expect.objectContaining({ kind: 'checkBlock' })]);
    const voted = core.step({ type: 'blockChecked', hash: by0.hash, valid: true });
    expect(votesIn(voted)).toHaveLength(1);
    const to = voted.messages.find((m) => m.message.type === 'vote')?.to;
    expect(to).toBe(reputationSchedule.leaderFor(view + 1, [...history, by0.block.header].map((h) => scheduleEntry(h, 0)), N));
    // Without it (a node that lost its history) the schedule is round-robin: the two disagree.
    const { core: blind } = startCore(1, { head, safety });
    expect(deliver(blind, 3, proposalOf(by3)).requests).toEqual([expect.objectContaining({ kind: 'checkBlock' })]);
  });
});
