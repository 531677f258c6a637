import { describe, expect, it } from 'vitest';
import { leaderOf } from '../../../src/consensus/core/leader-schedule.js';
import { chain, deliver, makeBlock, proposalOf, proposeAndCheck, qcOn, startCore, tcFor, timeoutBy, voteBy, votesIn } from './fixture.js';

describe('leaders and proposals', () => {
  it('rotates the leader over the members', () => {
    // docs/protocol.md R3: the leader of view v is members[v mod n]
    expect([0, 1, 2, 3, 4, 5, 9].map((v) => leaderOf(v, 4))).toEqual([0, 1, 2, 3, 0, 1, 1]);
    const { start } = startCore(1);
    expect(start.requests).toEqual([expect.objectContaining({ kind: 'buildBlock', view: 1, height: 1, proposer: 1, parentQc: null })]);
    expect(startCore(2).start.requests).toEqual([]);
  });

  it('drops proposals from a member that is not the leader, with bad signatures or broken justifies', () => {
    // docs/protocol.md R4: a proposal is well-formed only when signed by leader(view) and justified by a QC on its parent
    const { core } = startCore(3);
    const notLeader = makeBlock(1, null, null, { proposer: 2 });
    expect(deliver(core, 2, proposalOf(notLeader)).requests).toEqual([]);
    const b1 = makeBlock(1, null, null);
    expect(deliver(core, 1, proposalOf(b1, null, 2)).requests).toEqual([]);
    const { blocks, qcs } = chain(2);
    const wrongQc = makeBlock(3, blocks[1] ?? null, qcs[0] ?? null);
    expect(deliver(core, 3, proposalOf(wrongQc)).requests).toEqual([]);
    const forged = { ...(qcs[0] as NonNullable<(typeof qcs)[0]>), signatures: (qcs[0]?.signatures ?? []).slice(0, 2) };
    expect(deliver(core, 2, proposalOf(makeBlock(2, blocks[0] ?? null, forged))).requests).toEqual([]);
    expect(core.status.view).toBe(1);
    expect(deliver(core, 1, proposalOf(b1)).requests).toEqual([expect.objectContaining({ kind: 'checkBlock' })]);
  });

  it('drops a proposal that skips views without a TC', () => {
    // docs/protocol.md R4: a view above QC.view + 1 needs the TC of the view before it
    const { core } = startCore(3);
    const b1 = makeBlock(1, null, null);
    const skip = makeBlock(3, b1, qcOn(b1));
    const out = deliver(core, 3, proposalOf(skip));
    expect(core.status.view).toBe(2);
    expect(out.requests.filter((r) => r.kind === 'checkBlock')).toEqual([]);
  });
});

describe('voting', () => {
  it('votes only once the application has checked the block, and never for an invalid one', () => {
    // docs/protocol.md R5: vote only on blocks the application re-executed and accepted
    const { core } = startCore(3);
    const b1 = makeBlock(1, null, null);
    const first = deliver(core, 1, proposalOf(b1));
    expect(votesIn(first)).toEqual([]);
    expect(votesIn(core.step({ type: 'blockChecked', hash: b1.hash, valid: false }))).toEqual([]);
    const { core: other } = startCore(3);
    const { checked } = proposeAndCheck(other, b1);
    expect(votesIn(checked)).toHaveLength(1);
  });

  it('after a timeout, votes only for a block extending a QC at least as high as the TC reports', () => {
    // docs/protocol.md R6: B.view = TC.view + 1 requires B.qc.view >= max(TC.highQcViews)
    const { blocks, qcs } = chain(2);
    const tc = tcFor(3, [0, 1, 2], [2, 1, 1], qcs[1] ?? null);
    const known = (): ReturnType<typeof startCore>['core'] => {
      const { core } = startCore(3);
      for (const b of blocks) proposeAndCheck(core, b);
      return core;
    };
    const core = known();
    const stale = makeBlock(4, blocks[0] ?? null, qcs[0] ?? null);
    expect(votesIn(proposeAndCheck(core, stale, tc).checked)).toEqual([]);
    expect(core.status.view).toBe(4);
    const c2 = known();
    const fresh = makeBlock(4, blocks[1] ?? null, qcs[1] ?? null);
    const votes = votesIn(proposeAndCheck(c2, fresh, tc).checked);
    expect(votes.map((v) => v.data.view)).toEqual([4]);
    expect(c2.status.lockedView).toBe(2);
  });

  it('votes at most once per view, also for an equivocating leader and after timing out', () => {
    // docs/protocol.md R7: vote at most once per view
    const { core } = startCore(3);
    const a = makeBlock(1, null, null, { salt: 1 });
    const b = makeBlock(1, null, null, { salt: 2 });
    expect(votesIn(proposeAndCheck(core, a).checked)).toHaveLength(1);
    expect(votesIn(proposeAndCheck(core, b).checked)).toEqual([]);
    const { core: c2 } = startCore(3);
    c2.step({ type: 'timeout', view: 1 });
    expect(votesIn(proposeAndCheck(c2, a).checked)).toEqual([]);
  });

  it('sends the vote to the next leader, who forms a QC from a quorum and proposes', () => {
    // docs/protocol.md R8: votes for view v go to leader(v+1), q identical votes form a QC
    const { core } = startCore(3);
    const b1 = makeBlock(1, null, null);
    const { checked } = proposeAndCheck(core, b1);
    expect(checked.messages.map((m) => m.to)).toEqual([2]);
    const { core: leader2 } = startCore(2);
    proposeAndCheck(leader2, b1);
    expect(deliver(leader2, 0, voteBy(0, b1)).requests).toEqual([]);
    const out = deliver(leader2, 3, voteBy(3, b1));
    expect(leader2.status.view).toBe(2);
    expect(out.requests).toEqual([expect.objectContaining({ kind: 'buildBlock', view: 2, height: 2, parentQc: expect.objectContaining({ data: expect.objectContaining({ view: 1 }) }) })]);
  });

  it('asks to persist the safety state in the same output as every vote and timeout', () => {
    // docs/protocol.md R9: the safety state is durable before a vote or timeout leaves
    const { core } = startCore(3);
    const { checked } = proposeAndCheck(core, makeBlock(1, null, null));
    expect(votesIn(checked)).toHaveLength(1);
    expect(checked.persist).toEqual(expect.objectContaining({ lastVotedView: 1, lockedView: 0 }));
    const t = core.step({ type: 'timeout', view: 1 });
    expect(t.messages.map((m) => m.message.type)).toEqual(['timeout']);
    expect(t.persist).toEqual(expect.objectContaining({ lastVotedView: 1 }));
    const { core: restarted } = startCore(3, { safety: checked.persist });
    expect(restarted.status.view).toBe(1);
    expect(votesIn(proposeAndCheck(restarted, makeBlock(1, null, null, { salt: 9 })).checked)).toEqual([]);
  });

  it('ignores timeouts and votes that do not verify', () => {
    // docs/protocol.md R22: invalid messages from peers are dropped, never thrown
    const { core } = startCore(2);
    const b1 = makeBlock(1, null, null);
    const bad = { ...voteBy(0, b1), signature: new Uint8Array(64) };
    expect(() => deliver(core, 0, bad)).not.toThrow();
    expect(() => deliver(core, 7, voteBy(0, b1))).not.toThrow();
    const forgedTimeout = { ...timeoutBy(0, 1, null), signature: new Uint8Array(64) };
    expect(deliver(core, 0, forgedTimeout).messages).toEqual([]);
    expect(core.status.view).toBe(1);
  });

  it('keeps the blocks it voted for in the persisted state, and serves them after a restart', () => {
    // docs/protocol.md R9: voted blocks are durable with the safety state until committed
    const { blocks } = chain(3);
    const { core } = startCore(3);
    let last = proposeAndCheck(core, blocks[0]!).checked;
    expect(last.persist?.votedBlocks.map((b) => b.header.height)).toEqual([1]);
    last = proposeAndCheck(core, blocks[1]!).checked;
    expect(last.persist?.votedBlocks.map((b) => b.header.height)).toEqual([1, 2]);
    last = proposeAndCheck(core, blocks[2]!).checked;
    // Height 1 is committed by the QC in block 3: it leaves the persisted set.
    expect(last.persist?.votedBlocks.map((b) => b.header.height)).toEqual([2, 3]);
    const { core: restarted, start } = startCore(3, { safety: last.persist, head: { height: 1, hash: blocks[0]!.hash, view: 1, epoch: 0, timestampMs: 1 } });
    expect(restarted.getBlock(blocks[2]!.hash)).toEqual(blocks[2]!.block);
    expect(start.requests.filter((r) => r.kind === 'checkBlock').length).toBe(2);
  });
});
