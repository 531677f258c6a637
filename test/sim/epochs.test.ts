import { describe, expect, it } from 'vitest';
import type { Behaviour } from '../../src/consensus/sim/byzantine.js';
import type { MemberChange } from '../../src/consensus/sim/member-changes.js';
import type { CrashEvent, Scenario } from '../../src/consensus/sim/scenario.js';
import { runSimulation, type ProcessOutcome, type SimResult } from '../../src/consensus/sim/simulation.js';
import { CALM_LINKS } from '../../src/consensus/sim/sim-network.js';

// Hand-written member-change scenarios through the whole simulator: real runtimes, the
// identity-addressed SimNetwork, sync from peers, and the InvariantMonitor on every event.

interface Plan {
  readonly nodes: number;
  readonly spares?: number;
  readonly behaviours?: readonly [number, Behaviour][];
  readonly changes: readonly MemberChange[];
  readonly crashes?: readonly CrashEvent[];
  /** Lossy, reordering links until GST (default: calm). */
  readonly chaos?: boolean;
}

function scenario(p: Plan): Scenario {
  const behaviours = new Map(p.behaviours ?? []);
  return {
    seed: 1, nodes: p.nodes, byzantine: behaviours.size, behaviours, gstMs: 2000,
    members: { processes: p.nodes + (p.spares ?? 0), initial: [...Array(p.nodes).keys()], changes: p.changes },
    chaos: p.chaos === true ? { dropRate: 0.1, dupRate: 0.05, minDelayMs: 1, maxDelayMs: 60, reorder: true } : CALM_LINKS,
    partitions: [], crashes: p.crashes ?? [], crashAfterVote: [], idle: [], livenessBlocks: 3, livenessBoundMs: 60_000,
  };
}

async function run(p: Plan, seed = 1): Promise<SimResult> {
  const sc = scenario(p);
  return runSimulation({ nodes: sc.nodes, byzantine: sc.byzantine, seed, scenario: { ...sc, seed } });
}

function outcome(r: SimResult, node: number): ProcessOutcome {
  const o = r.processes.find((x) => x.node === node);
  if (o === undefined) throw new Error(`no outcome for node ${node}`);
  return o;
}

describe('member-set changes in the simulator', () => {
  it('adds a process that starts as a non-member: it catches up by sync and votes once it is a member', async () => {
    // docs/protocol.md R20: epoch 1 starts after the reconfiguration block with the new member list
    // Five members with a silent one need all four others for a quorum of 4: node 4 must take part.
    const r = await run({ nodes: 4, spares: 1, behaviours: [[3, 'silent']], changes: [{ epoch: 0, atHeight: 3, members: [0, 1, 2, 3, 4], kind: 'add' }] });
    expect(r.violations).toEqual([]);
    const added = outcome(r, 4);
    expect(added, 'the added node is a voting member of epoch 1').toMatchObject({ epoch: 1, voting: true, lastVoteEpoch: 1 });
    expect(added.height).toBeGreaterThanOrEqual(6);
  });

  it('removes a member from the middle of the list: indices shift and the rest go on without it', async () => {
    // docs/protocol.md R20: the removed member goes dormant; the others address each other by their new indices
    for (const chaos of [false, true]) {
      const r = await run({
        nodes: 5, behaviours: [[4, 'equivocator']], chaos,
        changes: [{ epoch: 0, atHeight: 4, members: [0, 2, 3, 4], kind: 'remove' }],
        crashes: [{ member: 2, atMs: 300, downMs: 400 }],
      });
      expect(r.violations, `chaos ${chaos}`).toEqual([]);
      expect(outcome(r, 1), 'the removed member is dormant and never voted in epoch 1').toMatchObject({ voting: false, lastVoteEpoch: 0 });
      for (const n of [0, 2, 3]) expect(outcome(r, n), `node ${n}`).toMatchObject({ epoch: 1, voting: true, lastVoteEpoch: 1 });
    }
  });

  it('restarts members after a change with their transport on the epoch their chain is in', async () => {
    // docs/protocol.md R20: member indices mean the new epoch's list after a restart too (the runtime starts in it without onEpochChange)
    for (const seed of [1, 3]) {
      const r = await run({
        nodes: 5, behaviours: [[4, 'equivocator']],
        changes: [{ epoch: 0, atHeight: 4, members: [0, 2, 3, 4], kind: 'remove' }],
        crashes: [{ member: 3, atMs: 1200, downMs: 300 }, { member: 2, atMs: 1250, downMs: 300 }],
      }, seed);
      expect(r.violations, `seed ${seed}`).toEqual([]);
      for (const n of [0, 2, 3]) expect(outcome(r, n), `seed ${seed} node ${n}`).toMatchObject({ epoch: 1, voting: true });
    }
  });

  it('runs several changes in a row (add in the middle, remove a Byzantine member, reorder, re-add) with Byzantine members and Twins', async () => {
    // docs/protocol.md R21: each epoch has its own safety state; an old one is discarded when a member comes back
    const changes: MemberChange[] = [
      { epoch: 0, atHeight: 2, members: [0, 1, 7, 2, 3, 4, 5, 6], kind: 'add' },
      { epoch: 1, atHeight: 5, members: [0, 1, 7, 2, 4, 5, 6], kind: 'remove' },
      { epoch: 2, atHeight: 6, members: [5, 6, 0, 1, 7, 2, 4], kind: 'reorder' },
      { epoch: 3, atHeight: 9, members: [5, 6, 0, 3, 7, 2, 4], kind: 'replace' },
    ];
    for (const seed of [1, 2, 3]) {
      const r = await run({ nodes: 7, spares: 1, behaviours: [[3, 'conflicter'], [6, 'twins']], changes, chaos: true }, seed);
      expect(r.violations, `seed ${seed}`).toEqual([]);
      for (const n of [0, 2, 4, 5, 7]) expect(outcome(r, n), `seed ${seed} node ${n}`).toMatchObject({ epoch: 4, voting: true, lastVoteEpoch: 4 });
      // Node 1 left in epoch 4; it may lag behind the end of epoch 3 but never votes in epoch 4.
      expect(outcome(r, 1).lastVoteEpoch).toBeLessThanOrEqual(3);
      expect(outcome(r, 1).voting && outcome(r, 1).epoch === 4).toBe(false);
    }
  });

  it('makes the epoch\'s first block its reconfiguration block when two changes are one height apart', async () => {
    // docs/protocol.md R20: the first block of an epoch (parentQc null) can end that epoch too
    const r = await run({
      nodes: 4, spares: 2,
      changes: [
        { epoch: 0, atHeight: 3, members: [0, 1, 2, 3, 4], kind: 'add' },
        { epoch: 1, atHeight: 4, members: [0, 5, 1, 2, 3, 4], kind: 'add' },
      ],
    });
    expect(r.violations).toEqual([]);
    for (const n of [0, 1, 2, 3, 4, 5]) expect(outcome(r, n), `node ${n}`).toMatchObject({ epoch: 2, voting: true });
  });
});
