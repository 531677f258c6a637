import { describe, expect, it } from 'vitest';
import type { CoreMutations } from '../../src/consensus/core/types.js';
import { runSeeds } from '../../src/consensus/sim/run-seeds.js';

// Proof that the simulator can fail: each deliberately broken core must be caught within
// 1,000 seeds. The mutations are set through the core's constructor options only. Liveness
// failures on the way are passed over: on the production chain a fork a broken core allows
// can also end as a stall (the conflicting block cannot execute where its sibling committed).
async function firstCatch(mutations: CoreMutations): Promise<{ seed: number; message: string } | null> {
  const s = await runSeeds({ nodes: 4, byzantine: 1, seeds: 1000, firstSeed: 1, mutations, stopOnSafety: true });
  const f = s.failures.find((r) => r.safetyViolation);
  return f === undefined ? null : { seed: f.seed, message: f.violations[0]?.message ?? '' };
}

describe('planted bugs are caught by the simulator', () => {
  it('catches a core that votes twice in a view', async () => {
    // docs/protocol.md R7: vote at most once per view
    const c = await firstCatch({ voteTwice: true });
    expect(c, 'voteTwice caught within 1,000 seeds').not.toBeNull();
  }, 600_000);

  it('catches a core that ignores the lock', async () => {
    // docs/protocol.md R6: the 2-chain lock
    const c = await firstCatch({ ignoreLock: true });
    expect(c, 'ignoreLock caught within 1,000 seeds').not.toBeNull();
    expect(c?.message).toMatch(/two different blocks committed|halted/);
  }, 600_000);

  it('catches a core that commits on a 1-chain', async () => {
    // docs/protocol.md R12: commit needs a certified child in the next view
    const c = await firstCatch({ commitOneChain: true });
    expect(c, 'commitOneChain caught within 1,000 seeds').not.toBeNull();
  }, 600_000);

  it('catches a core that votes before its safety state is persisted', async () => {
    // docs/protocol.md R9: persist before sending
    const c = await firstCatch({ skipPersistBeforeVote: true });
    expect(c, 'skipPersistBeforeVote caught within 1,000 seeds').not.toBeNull();
    // Since R4/R7 refuse a proposal at or below lastVotedView, the lost vote also shows as a
    // restarted leader signing its view's block again.
    expect(c?.message).toMatch(/signed two votes|signed two different proposals/);
  }, 600_000);
});
