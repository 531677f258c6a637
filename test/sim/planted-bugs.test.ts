import { describe, expect, it } from 'vitest';
import type { CoreOverrides } from '../../src/consensus/core/core.js';
import { runSeeds } from '../../src/consensus/sim/run-seeds.js';
import type { SimFaults } from '../../src/consensus/sim/sim-faults.js';
import { PLANTED } from './planted-bugs.js';

// Proof that the Byzantine attacks and the invariants added for issue #15 can fail: each subtle
// planted bug (test/sim/planted-bugs.ts, injected through CoreOverrides or the simulator's
// application, never a branch in a production predicate) is caught within 1,000 seeds.
async function firstCatch(planted: { overrides?: CoreOverrides; faults?: SimFaults }): Promise<string | null> {
  const s = await runSeeds({ nodes: 4, byzantine: 1, seeds: 1000, firstSeed: 1, stopOnSafety: true, ...planted });
  const f = s.failures.find((r) => r.safetyViolation);
  return f === undefined ? null : `seed ${f.seed}: ${f.violations[0]?.message ?? ''}`;
}

describe('subtle planted bugs are caught by the simulator', () => {
  it('catches an application that makes timestamp freshness a validity condition', async () => {
    // docs/protocol.md R5: freshness gates the vote; a certified block must be executable everywhere
    const c = await firstCatch({ faults: { futureInvalid: true } });
    expect(c, 'futureInvalid caught within 1,000 seeds').toMatch(/halted/);
  }, 900_000);

  it('catches a TC voting rule that compares with the lowest QC view the TC reports', async () => {
    // docs/protocol.md R6: after a TC, the block's QC must be at least the TC's HIGHEST QC view
    const c = await firstCatch({ overrides: PLANTED.minTcRule });
    expect(c, 'minTcRule caught within 1,000 seeds').toMatch(/two different blocks committed|halted/);
  }, 900_000);

  it('catches a collector that keeps every vote of a member instead of one per view', async () => {
    // docs/protocol.md R8: one vote per member per view, in a bounded window
    const c = await firstCatch({ overrides: PLANTED.votesPerData });
    expect(c, 'votesPerData caught within 1,000 seeds').toMatch(/unbounded peer input/);
  }, 900_000);

  it('catches a leader that may propose again in a view it already voted in', async () => {
    // docs/protocol.md R4 and R7: a restarted leader never signs a second block for its view
    const c = await firstCatch({ overrides: PLANTED.reproposeAfterRestart });
    expect(c, 'reproposeAfterRestart caught within 1,000 seeds').toMatch(/two different proposals/);
  }, 900_000);
});
