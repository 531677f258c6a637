import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../../src/util/errors.js';
import { chain, deliver, makeBlock, proposalOf, proposeAndCheck, qcOn, startCore, tcFor } from './fixture.js';

describe('commit', () => {
  it('commits a block when its child in the next view is certified, with that QC as certificate', () => {
    // docs/protocol.md R12: a QC on B' with B'.parentView + 1 = B'.view commits B'.parent
    const { blocks, qcs } = chain(3);
    const { core } = startCore(3);
    proposeAndCheck(core, blocks[0]!);
    const second = proposeAndCheck(core, blocks[1]!);
    expect(second.first.committed).toEqual([]);
    const third = deliver(core, 3, proposalOf(blocks[2]!));
    expect(third.committed).toEqual([{ block: blocks[0]!.block, hash: blocks[0]!.hash, commitQc: qcs[1], certifiedHeight: 1 }]);
    expect(core.status.committedHeight).toBe(1);
  });

  it('commits nothing on a QC whose parent is not in the view just before, then commits all ancestors at once', () => {
    // docs/protocol.md R12: ancestors committed transitively carry the same QC and certifiedHeight
    const b1 = makeBlock(1, null, null);
    const q1 = qcOn(b1);
    const b3 = makeBlock(3, b1, q1);
    const q3 = qcOn(b3);
    const b4 = makeBlock(4, b3, q3);
    const q4 = qcOn(b4);
    const { core } = startCore(3);
    proposeAndCheck(core, b1);
    expect(proposeAndCheck(core, b3, tcFor(2, [0, 1, 2], [1, 1, 1], q1)).first.committed).toEqual([]);
    proposeAndCheck(core, b4);
    const out = deliver(core, 0, { type: 'syncInfo', highQc: q4, highTc: null });
    expect(out.committed.map((c) => [c.block.header.height, c.certifiedHeight, c.commitQc])).toEqual([[1, 2, q4], [2, 2, q4]]);
  });

  it('never inserts or votes for a block that extends below the committed root', () => {
    // docs/protocol.md R16: blocks conflicting with the committed chain are dropped
    const { blocks } = chain(3);
    const { core } = startCore(3);
    for (const b of blocks) proposeAndCheck(core, b);
    expect(core.status.committedHeight).toBe(1);
    const fork = makeBlock(5, null, null, { salt: 3 });
    const out = deliver(core, 1, proposalOf(fork, tcFor(4, [0, 1, 2], [0, 0, 0])));
    expect(out.requests.filter((r) => r.kind === 'checkBlock')).toEqual([]);
    expect(core.getBlock(blocks[2]!.hash)).toBeDefined();
    expect(core.getBlock(blocks[0]!.hash)).toBeUndefined();
  });

  it('halts with an InvariantError when a valid QC commits a block conflicting with the committed chain', () => {
    // docs/protocol.md R22: broken invariants throw InvariantError (the runtime halts)
    const { blocks } = chain(3);
    const { core } = startCore(3);
    for (const b of blocks) proposeAndCheck(core, b);
    const other1 = makeBlock(1, null, null, { salt: 5 });
    const other2 = makeBlock(2, other1, qcOn(other1));
    expect(() => deliver(core, 0, { type: 'syncInfo', highQc: qcOn(other2), highTc: null })).toThrow(InvariantError);
  });
});
