import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CoreMutations } from '../../src/consensus/core/types.js';
import type { SimFaultName } from '../../src/consensus/sim/sim-faults.js';
import { runSimulation } from '../../src/consensus/sim/simulation.js';

interface Fixture {
  readonly failed: readonly { nodes: number; byzantine: number; seed: number; reconfigure?: boolean; found: string }[];
  readonly plantedBugs: readonly { mutation: keyof CoreMutations; nodes: number; byzantine: number; seed: number; finds: string }[];
  readonly plantedSimFaults: readonly { fault: SimFaultName; nodes: number; byzantine: number; seed: number; reconfigure: boolean; finds: string }[];
}

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/sim-regressions.json'), 'utf8')) as Fixture;

describe('simulator regression seeds', () => {
  it('replays every seed that once failed without a violation', async () => {
    // docs/protocol.md R12: safety and liveness hold on every recorded seed
    for (const f of fixture.failed) {
      const r = await runSimulation({ nodes: f.nodes, byzantine: f.byzantine, seed: f.seed, reconfigure: f.reconfigure === true });
      expect(r.violations, `seed ${f.seed}${f.reconfigure === true ? ' --reconfigure' : ''}: ${f.found}`).toEqual([]);
    }
  }, 300_000);

  it('still catches each planted bug at its recorded seed, and the correct core passes there', async () => {
    // docs/protocol.md R6: the recorded attacks still reach the rule each bug breaks
    expect(fixture.plantedBugs.length).toBe(4);
    for (const b of fixture.plantedBugs) {
      const bad = await runSimulation({ nodes: b.nodes, byzantine: b.byzantine, seed: b.seed, mutations: { [b.mutation]: true } });
      expect(bad.safetyViolation, `${b.mutation} at seed ${b.seed}: ${b.finds}`).toBe(true);
      const good = await runSimulation({ nodes: b.nodes, byzantine: b.byzantine, seed: b.seed });
      expect(good.violations, `correct core at seed ${b.seed}`).toEqual([]);
    }
  }, 300_000);

  it('still catches each planted epoch bug at its recorded member-change seed, and the unbroken cluster passes there', async () => {
    // docs/protocol.md R20: the recorded member changes still reach the rule each planted bug breaks
    expect(fixture.plantedSimFaults.map((f) => f.fault).sort()).toEqual(['commitSuffix', 'staleMembers', 'staleTransport']);
    for (const f of fixture.plantedSimFaults) {
      const opts = { nodes: f.nodes, byzantine: f.byzantine, seed: f.seed, reconfigure: f.reconfigure };
      const bad = await runSimulation({ ...opts, faults: { [f.fault]: true } });
      expect(bad.violations.length, `${f.fault} at seed ${f.seed}: ${f.finds}`).toBeGreaterThan(0);
      const good = await runSimulation(opts);
      expect(good.violations, `unbroken cluster at seed ${f.seed}`).toEqual([]);
    }
  }, 300_000);
});
