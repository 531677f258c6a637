import { describe, expect, it } from 'vitest';
import { simKey } from '../../../src/consensus/sim/sim-cluster.js';
import { BlockSync } from '../../../src/sync/block-sync.js';
import type { CommittedBlock } from '../../../src/types/block.js';
import { toHex } from '../../../src/util/bytes.js';
import {
  BlockBuilder, commitQc, memoryChain, ScriptedTransport, servedBlock, servingPeer, SYNC_CHAIN_ID, syncGenesis, TEST_CLOCK, type BuiltBlock,
} from '../../helpers/sync-chain.js';

const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };

// One genesis member (simKey 0) votes member1 (simKey 1) in at height 1: epoch 0 ends at
// block 1, epoch 1 (members 0, 1) starts at height 2.
function scenario(): { g: ReturnType<typeof syncGenesis>; b1: BuiltBlock; s2: BuiltBlock; n2: BuiltBlock } {
  const g = syncGenesis(1);
  const build = new BlockBuilder(g);
  const root = build.root();
  const add = build.tx(0, 'member.propose', { action: 'add', member: { name: 'member1', publicKey: toHex(simKey(1).publicKey), address: '/ip4/127.0.0.1/tcp/9001' } }, root.state);
  const b1 = build.block(root, 0, 1, [add]);
  // The old epoch's suffix block above the change (R20), and epoch 1's real first block.
  const s2 = build.block(b1, 0, 2);
  const n2 = build.block(b1, 1, 3);
  return { g, b1, s2, n2 };
}

async function syncFrom(blocks: CommittedBlock[]) {
  const { g } = scenario();
  const chain = await memoryChain(g);
  const transport = new ScriptedTransport(new Map([[1, servingPeer(blocks)]]));
  const sync = new BlockSync({ requestTimeoutMs: 2000, batchSize: 32 }, { transport, chain, clock: TEST_CLOCK, log: quiet });
  transport.onMessage((from, _c, bytes) => sync.handleMessage(from, bytes));
  await sync.catchUp();
  return chain;
}

describe('block sync across a member change', () => {
  it('never commits a block of the epoch that ended below it, even when that epoch certified it', async () => {
    // docs/protocol.md R20 (sync epoch check): a block is accepted only if the member set in force at its height, after applying every block below it, certifies it
    const { g, b1, s2 } = scenario();
    // The hostile peer serves the member change without its suffix, claiming a certificate
    // above it, then the old epoch's suffix block with a valid old-epoch certificate.
    const hostile = [
      servedBlock(b1, commitQc(g.chainId, s2.header, s2.hash, 0, [0]), 2),
      servedBlock(s2, commitQc(g.chainId, s2.header, s2.hash, 0, [0])),
    ];
    const chain = await syncFrom(hostile);
    // Block 1 is proven (the old epoch's QC on s2's child commits it as an ancestor), block 2 is not part of the chain.
    expect(chain.head().height).toBe(1);
    expect(chain.currentEpoch().epoch).toBe(1);
    expect(chain.epochAt(2).members).toHaveLength(2);
  });

  it('syncs an honest peer across the change: the last block with its suffix, then the new epoch', async () => {
    // docs/protocol.md R20: B's certificate may be for a suffix block; the next epoch is proven by its own members
    const { g, b1, s2, n2 } = scenario();
    const honest = [
      servedBlock(b1, commitQc(g.chainId, s2.header, s2.hash, 0, [0]), 2, [s2.header]),
      servedBlock(n2, commitQc(g.chainId, n2.header, n2.hash, 1, [0, 1])),
    ];
    const chain = await syncFrom(honest);
    expect(chain.head().height).toBe(2);
    expect(toHex(chain.head().hash)).toBe(toHex(n2.hash));
  });

  it('LedgerChain.applySynced refuses a block naming an epoch that ended below it', async () => {
    // docs/protocol.md R20: the application skips every block of an ended epoch; sync's apply path too
    const { g, b1, s2 } = scenario();
    const chain = await memoryChain(g);
    expect(chain.chainId).toBe(SYNC_CHAIN_ID);
    expect(await chain.applySynced(servedBlock(b1, commitQc(g.chainId, b1.header, b1.hash, 0, [0])))).toBeNull();
    const why = await chain.applySynced(servedBlock(s2, commitQc(g.chainId, s2.header, s2.hash, 0, [0])));
    expect(why).toMatch(/epoch 0 ended/);
    expect(chain.head().height).toBe(1);
  });
});
