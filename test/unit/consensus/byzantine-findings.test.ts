import { describe, expect, it } from 'vitest';
import { signMessage } from '../../../src/crypto/ed25519.js';
import { sha256 } from '../../../src/crypto/hash.js';
import { timeoutSigningBytes, voteSigningBytes } from '../../../src/consensus/core/certificates.js';
import type { ConsensusOutput } from '../../../src/consensus/core/types.js';
import { AppPipeline, type PipelineEvent } from '../../../src/consensus/runtime/app-pipeline.js';
import type { Application } from '../../../src/consensus/runtime/application.js';
import { simKey } from '../../../src/consensus/sim/sim-cluster.js';
import { VirtualClock } from '../../../src/consensus/sim/virtual-clock.js';
import type { Block, TimeoutCert, VoteData } from '../../../src/types/block.js';
import { CHAIN, chain, deliver, makeBlock, proposalOf, proposeAndCheck, startCore, tcFor, voteBy, votesIn } from './fixture.js';

// Regression tests for the Byzantine findings on the consensus core (review of the core against
// Jolteon / DiemBFT v4 and the aptos-core safety rules). Each failed on the code before its fix.

function builds(out: ConsensusOutput): number[] {
  return out.requests.flatMap((r) => (r.kind === 'buildBlock' ? [r.view] : []));
}

function signedVote(member: number, data: VoteData) {
  return { type: 'vote' as const, data, signature: signMessage(simKey(member), voteSigningBytes(CHAIN, data)) };
}

// A pipeline over an application whose checkBlock answers `answers` in turn ('throw' throws).
function pipeline(answers: ('throw' | boolean)[]): { p: AppPipeline; events: PipelineEvent[]; clock: VirtualClock } {
  const clock = new VirtualClock();
  const events: PipelineEvent[] = [];
  const app = {
    checkBlock: async () => {
      const a = answers.shift();
      if (a === 'throw' || a === undefined) throw new Error('transient');
      return a;
    },
    onTxsAvailable: () => undefined,
    hasPendingTxs: () => false,
  } as unknown as Application;
  const p = new AppPipeline(
    { heartbeatMs: 0, maxClockSkewMs: 10_000, maxVoteWaitMs: 800 },
    { app, clock, sync: null, enqueue: (e) => events.push(e), fail: (e) => { throw e; } },
  );
  return { p, events, clock };
}

function stampedAt(ms: number): Block {
  const b = makeBlock(1, null, null).block;
  return { ...b, header: { ...b.header, timestampMs: ms } };
}

// The pipeline's promise chains resolve within microtasks: one macrotask turn settles them.
async function settle(): Promise<void> {
  await new Promise((r) => setImmediate(r));
}

describe('finding 3: timestamp freshness is a condition for voting, not for validity', () => {
  it('a block too far ahead of the local clock is valid but not voted for', async () => {
    // docs/protocol.md R5: validity is deterministic; freshness against the local clock only gates the vote
    const { p, events, clock } = pipeline([true]);
    p.check(stampedAt(clock.now() + 15_000), sha256(new Uint8Array([1])));
    await settle();
    expect(events).toEqual([{ type: 'blockChecked', hash: sha256(new Uint8Array([1])), valid: true, vote: false }]);
  });

  it('a block a little too far ahead is answered once the local clock has caught up', async () => {
    // docs/protocol.md R5: a node whose clock is behind waits (at most maxVoteWaitMs) before voting
    const { p, events, clock } = pipeline([true]);
    p.check(stampedAt(clock.now() + 10_500), sha256(new Uint8Array([2])));
    await settle();
    expect(events, 'nothing before the clock reaches timestamp - maxClockSkewMs').toEqual([]);
    clock.runNext();
    expect(clock.now()).toBe(500);
    expect(events).toEqual([{ type: 'blockChecked', hash: sha256(new Uint8Array([2])), valid: true }]);
  });

  it('an exception inside checkBlock is not a verdict: the check is retried', async () => {
    // docs/protocol.md R5: only the application's deterministic verdict marks a block invalid
    const { p, events } = pipeline(['throw', true]);
    p.check(stampedAt(0), sha256(new Uint8Array([3])));
    await settle();
    expect(events).toEqual([{ type: 'blockChecked', hash: sha256(new Uint8Array([3])), valid: true }]);
  });

  it('a valid block the node did not vote for still commits when the others certify it', () => {
    // docs/protocol.md R5 and R12: a certified block is executable everywhere; no CONSENSUS_HALTED
    const { blocks } = chain(3);
    const { core } = startCore(3);
    deliver(core, 1, proposalOf(blocks[0]!));
    const out = core.step({ type: 'blockChecked', hash: blocks[0]!.hash, valid: true, vote: false });
    expect(votesIn(out), 'no vote for a block stamped too far ahead').toEqual([]);
    proposeAndCheck(core, blocks[1]!);
    const { first } = proposeAndCheck(core, blocks[2]!);
    expect(first.committed.map((c) => c.block.header.height)).toEqual([1]);
  });
});

describe('finding 4: votes from the future are bounded', () => {
  it('keeps one vote per author per view, and only for a window of views above the current one', () => {
    // docs/protocol.md R8: one vote per member per view, views in (highQC.view, view + VOTE_WINDOW_VIEWS]
    const { blocks } = chain(1);
    const { core } = startCore(2);
    // Member 3 floods the leader of view 2 (member 2) with votes for views it leads the next of.
    for (let i = 0; i < 200; i++) {
      const view = 1 + 4 * (i % 50);
      const data: VoteData = { epoch: 0, view, height: view, blockHash: sha256(new Uint8Array([i, 7])), parentView: view - 1, parentHash: sha256(new Uint8Array([i])) };
      deliver(core, 3, signedVote(3, data));
    }
    expect(core.holdings.votes, 'views 1, 5 and 9 are in the window; one vote each').toBe(3);
    // The honest votes still form the QC of view 1.
    proposeAndCheck(core, blocks[0]!);
    deliver(core, 0, voteBy(0, blocks[0]!));
    deliver(core, 1, voteBy(1, blocks[0]!));
    expect(core.status.highQcView).toBe(1);
  });

  it('holds timeouts only for the current view', () => {
    // docs/protocol.md R11: an unjustified or old timeout is dropped before it is stored
    const { core } = startCore(3);
    for (let v = 1; v < 100; v++) {
      const t = { type: 'timeout' as const, epoch: 0, view: v, highQc: null, lastTc: null, signature: signMessage(simKey(0), timeoutSigningBytes(CHAIN, 0, v, 0)) };
      deliver(core, 0, t);
    }
    expect(core.holdings.timeouts).toBeLessThanOrEqual(1);
  });
});

describe('finding 5: a TC carries its highest QC', () => {
  // Member 1 leads view 5; it knows blocks 1-2 and the QC of view 1 only.
  const { blocks, qcs } = chain(2);
  const known = () => {
    const { core } = startCore(1);
    for (const b of blocks) proposeAndCheck(core, b);
    return core;
  };
  const inflated = (): TimeoutCert => {
    const honest = tcFor(4, [0, 2, 3], [2, 2, 3], qcs[1]!);
    return honest;
  };

  it('refuses a TC whose claimed highest QC view is not the view of the QC it carries', () => {
    // docs/protocol.md R11: the TC's highQc has exactly the highest signed highQcView
    const core = known();
    const before = core.status.view;
    deliver(core, 0, { type: 'syncInfo', highQc: null, highTc: inflated() });
    expect(core.status.view, 'an inflated TC moves no one').toBe(before);
    deliver(core, 0, { type: 'syncInfo', highQc: null, highTc: tcFor(4, [0, 2, 3], [2, 0, 0], null) });
    expect(core.status.view, 'a TC that claims a QC it does not carry moves no one').toBe(before);
  });

  it('lets the next leader propose: the QC it lacked arrives with the TC', () => {
    // docs/protocol.md R4 and R11: the leader processes the TC's QC first, so highQC >= max(TC.highQcViews)
    const core = known();
    expect(core.status.highQcView).toBe(1);
    const out = deliver(core, 0, { type: 'syncInfo', highQc: null, highTc: tcFor(4, [0, 2, 3], [2, 1, 1], qcs[1]!) });
    expect(core.status.view).toBe(5);
    expect(core.status.highQcView).toBe(2);
    expect(builds(out)).toEqual([5]);
  });
});

describe('finding 7: a restarted leader never proposes twice in a view', () => {
  it('refuses to build or sign a proposal at or below its last voted view, across a restart', () => {
    // docs/protocol.md R4 and R7: sign a proposal only for a view above lastVotedView (persisted, R9)
    const { core, start } = startCore(1);
    expect(builds(start)).toEqual([1]);
    const b1 = makeBlock(1, null, null, { proposer: 1 });
    const out = core.step({ type: 'blockBuilt', view: 1, block: b1.block });
    expect(out.messages.some((m) => m.message.type === 'proposal')).toBe(true);
    expect(out.persist?.lastVotedView, 'the leader voted for its block, persisted before the proposal left').toBe(1);
    const restarted = startCore(1, { safety: out.persist });
    expect(builds(restarted.start), 'no second block for view 1').toEqual([]);
    const other = makeBlock(1, null, null, { proposer: 1, salt: 9 });
    const again = restarted.core.step({ type: 'blockBuilt', view: 1, block: other.block });
    expect(again.messages.filter((m) => m.message.type === 'proposal')).toEqual([]);
  });
});
