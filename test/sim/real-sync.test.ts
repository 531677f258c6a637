import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../src/consensus/sim/simulation.js';

// The simulator has no oracle sync on the production chain: a node that fell behind catches
// up through the production BlockSync over the simulated network (proven blocks, re-executed).

describe('production block sync inside the simulator', () => {
  it('brings a lagging honest member up through BlockSync, and the seed stays clean', async () => {
    // docs/protocol.md R18: a lagging node applies only blocks whose commit is proven
    const progress: { node: number; height: number }[] = [];
    const r = await runSimulation({
      nodes: 4, byzantine: 1, seed: 25,
      log: (line) => {
        const m = /^\d+ \[(\d+)\] info Block sync progress \{"height":(\d+)/.exec(line);
        if (m !== null) progress.push({ node: Number(m[1]), height: Number(m[2]) });
      },
    });
    expect(r.violations).toEqual([]);
    const honest = new Set(r.processes.map((p) => p.node));
    const synced = progress.filter((p) => honest.has(p.node));
    expect(synced.length, 'an honest member applied synced blocks').toBeGreaterThan(0);
    expect(Math.max(...synced.map((p) => p.height))).toBeGreaterThan(1);
  }, 60_000);
});
