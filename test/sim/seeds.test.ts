import { describe, expect, it } from 'vitest';
import { runSeeds, type SeedsSummary } from '../../src/consensus/sim/run-seeds.js';

function failures(s: SeedsSummary): string[] {
  return s.failures.map((f) => `${f.replay}: ${f.violations[0]?.message ?? ''}`);
}

describe('simulation over seeded fault schedules', () => {
  it('keeps 4 members (1 Byzantine) safe and live over 400 seeds', async () => {
    // docs/protocol.md R12: no two honest nodes commit different blocks at one height (and every other invariant, every event).
    // Every seed runs the production chain and block sync (about twice the time of the fake
    // application's), so CI runs 400; `ledger sim --nodes 4 --byzantine 1 --seeds 10000` runs more.
    const s = await runSeeds({ nodes: 4, byzantine: 1, seeds: 400, firstSeed: 1 });
    const why = s.failures.slice(0, 3).map((f) => `${f.replay}: ${f.violations[0]?.message ?? ''}`).join('\n');
    expect(s.safetyViolations, why).toBe(0);
    expect(s.livenessFailures, why).toBe(0);
    expect(s.seeds).toBe(400);
    expect(s.committedBlocks).toBeGreaterThan(4_000);
  }, 600_000);

  it('keeps 4 members (1 Byzantine) safe and live across member changes over 200 seeds', async () => {
    // docs/protocol.md R20: members added, removed from the middle, replaced and reordered under the same faults
    const s = await runSeeds({ nodes: 4, byzantine: 1, seeds: 200, firstSeed: 1, reconfigure: true });
    expect(failures(s)).toEqual([]);
    expect(s.seeds).toBe(200);
    expect(s.committedBlocks).toBeGreaterThan(5_000);
  }, 600_000);

  it('keeps 7 members (2 Byzantine) and 10 members (3 Byzantine) safe and live on a sample of seeds, with and without member changes', async () => {
    // docs/protocol.md R1: n = 3f + 1 tolerates f Byzantine members
    for (const [nodes, byzantine] of [[7, 2], [10, 3]] as const) {
      const s = await runSeeds({ nodes, byzantine, seeds: 25, firstSeed: 1 });
      expect(s.failingSeeds, `${nodes}/${byzantine}`).toEqual([]);
      const r = await runSeeds({ nodes, byzantine, seeds: 8, firstSeed: 1, reconfigure: true });
      expect(failures(r), `${nodes}/${byzantine} with member changes`).toEqual([]);
    }
  }, 600_000);
});
