import { describe, expect, it } from 'vitest';
import type { FakeReconfiguration } from '../../src/consensus/sim/fake-application.js';
import type { SyncDriver } from '../../src/consensus/runtime/application.js';
import type { CommittedBlock } from '../../src/types/block.js';
import { chain, proposalOf, startCore, deliver } from '../unit/consensus/fixture.js';
import { HARNESS_EPOCH, RuntimeHarness, type HarnessNode } from '../unit/consensus/runtime-harness.js';

// Bugs of the first epoch switch found by the member-change seeds, as small reproductions
// (their seeds are replayed from test/fixtures/sim-regressions.json by regressions.test.ts).

const SAME: FakeReconfiguration = { epoch: 0, atHeight: 3, members: HARNESS_EPOCH.members };

function node(h: RuntimeHarness, i: number): HarnessNode {
  return h.nodes.get(i) as HarnessNode;
}

// A sync that stops short of the epoch's end (peers behind, a timeout): copies up to `upTo`.
function copyUpTo(h: RuntimeHarness, to: number, from: number, upTo: number): SyncDriver {
  return {
    syncTo: async () => {
      const target = node(h, to);
      const blocks: CommittedBlock[] = [];
      for (let x = target.chain.head().height + 1; x <= Math.min(upTo, node(h, from).chain.head().height); x++) blocks.push(node(h, from).chain.at(x) as CommittedBlock);
      if (blocks.length > 0) await target.app.commit(blocks);
    },
  };
}

describe('epoch bugs found by the simulator, fixed', () => {
  it('bug A: the core learns a committed head moved by an epoch sync that stopped short of the epoch end', async () => {
    // docs/protocol.md R18: after a sync the core's root is the application's committed head
    const h = new RuntimeHarness();
    for (let i = 0; i < 3; i++) await h.add(i, { reconfigurations: [SAME] });
    h.net.isolate(3, 3_000);
    await h.add(3, { reconfigurations: [SAME], sync: copyUpTo(h, 3, 0, 2) });
    expect(await h.runUntil(() => node(h, 3).logs.some((l) => l.msg === 'Peers are in a later epoch: block sync requested'), 20_000)).toBe(true);
    await h.runUntil(() => false, h.clock.now() + 2_000);
    expect(node(h, 3).chain.head().height, 'the sync copied heights 1-2').toBe(2);
    expect(node(h, 3).runtime.status?.committedHeight, 'the core root follows the application head').toBe(2);
  });

  it('bug C: a restored voted block that does not connect to the root makes the core fetch its missing ancestors', () => {
    // docs/protocol.md R17: a certified hash the node lacks is requested from peers
    // Voted for heights 3 and 4, then crashed after its core committed 2 but before the
    // application did: the committed root is 1, and height 2 is neither committed nor voted.
    const { blocks, qcs } = chain(5);
    const b = (i: number) => blocks[i - 1]!;
    const root = { height: 1, hash: b(1).hash, view: 1, epoch: 0, timestampMs: b(1).block.header.timestampMs };
    const safety = { epoch: 0, lastVotedView: 4, lockedView: 3, highQc: qcs[3]!, highTc: null, votedBlocks: [b(3).block, b(4).block] };
    const { core } = startCore(2, { head: root, safety });
    const out = deliver(core, 1, proposalOf(b(5)));
    expect(out.requests.map((r) => r.kind), 'the proposal on height 4 needs height 2 from peers').toContain('fetchBlocks');
  });
});
