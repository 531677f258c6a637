import { describe, expect, it } from 'vitest';
import { SafetyRules } from '../../../src/consensus/core/safety-rules.js';
import { simKey } from '../../../src/consensus/sim/sim-cluster.js';
import { chain, deliver, makeBlock, PARAMS, proposalOf, proposeAndCheck, startCore, tcFor, timeoutBy, timeoutsIn } from './fixture.js';

describe('timeouts', () => {
  it('times out only with a QC not below the lock, in a view entered legitimately', () => {
    // docs/protocol.md R10: safe_to_timeout(v, qcView, lastTc)
    const s = new SafetyRules('sim', simKey(0), 0, 4, 3, {});
    expect(s.safeToTimeout(4, 3, null)).toBe(true);
    expect(s.safeToTimeout(4, 2, null)).toBe(false);
    expect(s.safeToTimeout(3, 2, null)).toBe(false);
    expect(s.safeToTimeout(6, 3, null)).toBe(false);
    expect(s.safeToTimeout(6, 3, tcFor(5))).toBe(true);
    expect(s.makeTimeout(4, null, 3, null)).not.toBeNull();
    expect(s.lastVotedView).toBe(4);
    expect(s.makeVote(4, 1, new Uint8Array(32), 3, new Uint8Array(32), null)).toBeNull();
  });

  it('broadcasts a signed timeout, re-sends it on the next expiry, and forms a TC from a quorum', () => {
    // docs/protocol.md R11: timeouts carry highQC and lastTC; q of them form TC(v)
    const { core } = startCore(3);
    const first = core.step({ type: 'timeout', view: 1 });
    const [t1] = timeoutsIn(first);
    expect(first.messages[0]?.to).toBe('all');
    expect(t1).toEqual(expect.objectContaining({ view: 1, highQc: null, lastTc: null }));
    const again = timeoutsIn(core.step({ type: 'timeout', view: 1 }));
    expect(again[0]?.signature).toEqual(t1?.signature);
    deliver(core, 0, timeoutBy(0, 1, null));
    expect(core.status.view).toBe(1);
    deliver(core, 1, timeoutBy(1, 1, null));
    expect(core.status.view).toBe(2);
  });

  it('ignores signed timeouts for far-future views that no certificate justifies', () => {
    // docs/protocol.md R11: a timeout must justify its view by its highQC or lastTC
    const { core } = startCore(3);
    for (const m of [0, 1, 2]) deliver(core, m, timeoutBy(m, 1_000_000, null));
    expect(core.status.view).toBe(1);
  });

  it('backs off exponentially per failed view and caps the timer', () => {
    // docs/protocol.md R13: min(viewTimeoutMs * 2^k, maxViewTimeoutMs)
    const { core, start } = startCore(3);
    const delays = [start.timer?.delayMs];
    for (let v = 1; v <= 6; v++) {
      const out = deliver(core, 0, { type: 'syncInfo', highQc: null, highTc: tcFor(v) });
      delays.push(out.timer?.delayMs);
    }
    expect(delays).toEqual([100, 200, 400, 800, 800, 800, 800]);
    expect(PARAMS.maxViewTimeoutMs).toBe(800);
  });

  it('enters a higher view on any certificate for the view before it, and resumes after a restart', () => {
    // docs/protocol.md R14: a QC or TC for view w moves a node to w + 1
    const { blocks, qcs } = chain(5);
    const { core } = startCore(3);
    const out = deliver(core, 0, { type: 'syncInfo', highQc: qcs[4] ?? null, highTc: null });
    expect(core.status.view).toBe(6);
    expect(core.status.highQcView).toBe(5);
    expect(out.requests).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'fetchBlocks', hash: blocks[4]?.hash })]));
    const { core: c2 } = startCore(3);
    deliver(c2, 0, timeoutBy(0, 8, qcs[2] ?? null, tcFor(7)));
    expect(c2.status.view).toBe(8);
    const { core: restarted } = startCore(3, { safety: { epoch: 0, lastVotedView: 9, lockedView: 4, highQc: qcs[4] ?? null, highTc: tcFor(7), votedBlocks: [] } });
    expect(restarted.status.view).toBe(9);
  });

  it('joins a view change after f+1 timeouts and answers a lagging peer with its certificates', () => {
    // docs/protocol.md R15: f+1 timeouts for the current view make a node time out at once
    const { core } = startCore(3);
    expect(timeoutsIn(deliver(core, 0, timeoutBy(0, 1, null)))).toEqual([]);
    const joined = deliver(core, 1, timeoutBy(1, 1, null));
    expect(timeoutsIn(joined).map((t) => t.view)).toEqual([1]);
    expect(core.status.view).toBe(2);
    const reply = deliver(core, 2, timeoutBy(2, 1, null));
    expect(reply.messages).toEqual([{ to: 2, message: expect.objectContaining({ type: 'syncInfo', highTc: expect.objectContaining({ view: 1 }) }) }]);
    expect(deliver(core, 2, timeoutBy(2, 1, null)).messages).toEqual([]);
  });

  it('keeps a proposal that arrives for a view it already left out of voting', () => {
    // docs/protocol.md R14: proposals for older views only teach certificates
    const { core } = startCore(3);
    deliver(core, 0, { type: 'syncInfo', highQc: null, highTc: tcFor(4) });
    const b1 = makeBlock(1, null, null);
    const out = deliver(core, 1, proposalOf(b1));
    expect(out.requests).toEqual([]);
    expect(out.messages.map((m) => m.message.type)).toEqual(['syncInfo']);
    expect(proposeAndCheck(core, makeBlock(5, null, null)).checked.messages).toEqual([]);
  });
});
