import { describe, expect, it } from 'vitest';
import { runSeeds } from '../../src/consensus/sim/run-seeds.js';
import type { SimFaults } from '../../src/consensus/sim/sim-faults.js';
import { runSimulation } from '../../src/consensus/sim/simulation.js';

// Proof that the member-change seeds can fail: each planted epoch bug (SimFaults, in the
// simulator's application and node wiring, never in the core or runtime) must be caught
// within 1,000 seeds with --reconfigure, with a finding that names the rule it breaks, at a
// seed where the unbroken cluster passes.
async function firstCatch(faults: SimFaults): Promise<{ seed: number; kind: string; message: string }> {
  const s = await runSeeds({ nodes: 4, byzantine: 1, seeds: 1000, firstSeed: 1, reconfigure: true, faults, stopOnFailure: true });
  const f = s.failures[0];
  expect(f, `${Object.keys(faults).join()} caught within 1,000 seeds`).toBeDefined();
  const good = await runSimulation({ nodes: 4, byzantine: 1, seed: f?.seed ?? 0, reconfigure: true });
  expect(good.violations, `the unbroken cluster passes seed ${f?.seed}`).toEqual([]);
  return { seed: f?.seed ?? 0, kind: f?.violations[0]?.kind ?? '', message: f?.violations[0]?.message ?? '' };
}

describe('planted epoch bugs are caught by the member-change seeds', () => {
  it('catches an application that commits the suffix of an ended epoch', async () => {
    // docs/protocol.md R20: blocks proposed above B in epoch e are never committed
    const c = await firstCatch({ commitSuffix: true });
    expect(c.message).toMatch(/committed a block of ended epoch \d+'s suffix/);
  }, 600_000);

  it('catches nodes that keep voting with the old member set', async () => {
    // docs/protocol.md R1: every certificate is checked against the member list of the epoch it names
    // (R3: a node on the old list also names leaders from it, which the schedule check may see first)
    const c = await firstCatch({ staleMembers: true });
    expect(c.message).toMatch(/no valid quorum of epoch \d+'s members|signed a vote in epoch \d+ it is not a member of|but the schedule names member \d+ after its parent/);
  }, 600_000);

  it('catches a node whose transport never learns the new member list (no onEpochChange wiring)', async () => {
    // docs/protocol.md R20: member indices follow the epoch's list on both ends of every message
    const c = await firstCatch({ staleTransport: true });
    expect(c.kind).toBe('liveness');
  }, 600_000);
});
