import { describe, expect, it } from 'vitest';
import { chain, deliver, makeBlock, proposalOf, startCore, votesIn } from './fixture.js';

describe('block retrieval and sync', () => {
  it('fetches unknown ancestors of a proposal, executes them, then handles the proposal', () => {
    // docs/protocol.md R17: unknown certified blocks are fetched from the proposer and hash-linked back
    const { blocks } = chain(4);
    const { core } = startCore(3);
    const out = deliver(core, 0, proposalOf(blocks[3]!));
    // The parent (the QC's block) and the block that QC commits are both wanted, from the proposer.
    expect(out.requests).toEqual([
      expect.objectContaining({ kind: 'fetchBlocks', hash: blocks[2]!.hash, count: 3, from: 0 }),
      expect.objectContaining({ kind: 'fetchBlocks', hash: blocks[1]!.hash, count: 2 }),
    ]);
    const forged = makeBlock(3, blocks[1]!, null, { salt: 1 });
    expect(core.step({ type: 'blocksFetched', from: 3, blocks: [forged.block] }).requests).toEqual([]);
    const fetched = core.step({ type: 'blocksFetched', from: 3, blocks: [blocks[2]!.block, blocks[1]!.block, blocks[0]!.block] });
    const checks = fetched.requests.filter((r) => r.kind === 'checkBlock').map((r) => (r.kind === 'checkBlock' ? r.block.header.height : 0));
    expect(checks).toEqual([1, 2, 3, 4]);
    expect(fetched.committed.map((c) => c.block.header.height)).toEqual([1, 2]);
    for (const b of blocks) {
      const o = core.step({ type: 'blockChecked', hash: b.hash, valid: true });
      if (b === blocks[3]) expect(votesIn(o).map((v) => v.data.view)).toEqual([4]);
    }
  });

  it('retries an unanswered fetch with the next member when the view timer fires', () => {
    // docs/protocol.md R17: requests rotate over members when unanswered
    const { blocks } = chain(3);
    const { core } = startCore(3);
    const froms = (o: ReturnType<typeof core.step>): number[] => o.requests.map((r) => (r.kind === 'fetchBlocks' ? r.from : -1));
    const first = froms(deliver(core, 2, proposalOf(blocks[2]!)));
    const retry = froms(core.step({ type: 'timeout', view: 3 }));
    expect(retry).toHaveLength(first.length);
    // The next member after the one asked before, never this node (3).
    expect(retry).toEqual(first.map((f) => ((f + 1) % 4 === 3 ? 0 : (f + 1) % 4)));
  });

  it('asks for sync once when a needed block is beyond the fetch gap, and moves its root when sync completes', () => {
    // docs/protocol.md R18: more than maxFetchGap heights behind -> syncNeeded
    const { blocks, qcs } = chain(12);
    const { core } = startCore(3, { maxFetchGap: 4 });
    const out = deliver(core, 0, { type: 'syncInfo', highQc: qcs[10]!, highTc: null });
    expect(out.requests).toEqual([{ kind: 'syncNeeded', targetHeight: 11, from: 3 === 11 % 4 ? 0 : 11 % 4 }]);
    expect(core.status.syncing).toBe(true);
    expect(deliver(core, 1, proposalOf(blocks[11]!)).requests.filter((r) => r.kind === 'syncNeeded')).toEqual([]);
    const b10 = blocks[9]!.block.header;
    const done = core.step({ type: 'syncCompleted', head: { height: 10, hash: blocks[9]!.hash, view: b10.view, epoch: 0, timestampMs: b10.timestampMs } });
    expect(core.status.syncing).toBe(false);
    expect(core.status.committedHeight).toBe(10);
    expect(done.requests).toEqual([]);
  });
});
