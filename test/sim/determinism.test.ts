import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../src/consensus/sim/simulation.js';

describe('simulation determinism', () => {
  it('gives the same trace hash for the same seed, and a different one for another seed', async () => {
    // docs/protocol.md R22: the core is pure, so a seed fixes the whole run
    for (const [nodes, byzantine, seed] of [[4, 1, 11], [4, 1, 12], [7, 2, 3], [4, 0, 5]] as const) {
      const a = await runSimulation({ nodes, byzantine, seed });
      const b = await runSimulation({ nodes, byzantine, seed });
      expect(b.traceHash, `seed ${seed}`).toBe(a.traceHash);
      expect(b.events).toBe(a.events);
      expect(b.committedBlocks).toBe(a.committedBlocks);
      expect(a.events).toBeGreaterThan(50);
    }
    for (const [nodes, byzantine, seed] of [[4, 1, 11], [7, 2, 3]] as const) {
      const a = await runSimulation({ nodes, byzantine, seed, reconfigure: true });
      const b = await runSimulation({ nodes, byzantine, seed, reconfigure: true });
      expect(b.traceHash, `seed ${seed} with member changes`).toBe(a.traceHash);
      expect(b.processes).toEqual(a.processes);
      const plain = await runSimulation({ nodes, byzantine, seed });
      expect(a.traceHash, 'member changes change the run').not.toBe(plain.traceHash);
    }
    const x = await runSimulation({ nodes: 4, byzantine: 1, seed: 11 });
    const y = await runSimulation({ nodes: 4, byzantine: 1, seed: 13 });
    expect(x.traceHash).not.toBe(y.traceHash);
  }, 120_000);
});
