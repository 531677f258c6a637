import { describe, expect, it } from 'vitest';
import type { SyncMessage } from '../../../src/codec/sync.js';
import { BlockSync, type BlockSyncOpts } from '../../../src/sync/block-sync.js';
import type { CommittedBlock } from '../../../src/types/block.js';
import { toHex } from '../../../src/util/bytes.js';
import {
  BlockBuilder, commitQc, memoryChain, ScriptedTransport, servedBlock, servingPeer, syncGenesis, TEST_CLOCK, type BuiltBlock, type SyncPeerScript,
} from '../../helpers/sync-chain.js';

const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };
const g = syncGenesis(1);
const build = new BlockBuilder(g);

/** The real chain: `n` empty blocks, each certified directly by member 0 (epoch 0, n = 1). */
function realChain(n: number): CommittedBlock[] {
  const out: CommittedBlock[] = [];
  let parent = build.root();
  for (let i = 1; i <= n; i++) {
    const b = build.block(parent, 0, i);
    out.push(servedBlock(b, commitQc(g.chainId, b.header, b.hash, 0, [0])));
    parent = b;
  }
  return out;
}

/**
 * A hostile member: claims head MAX_SAFE_INTEGER and serves hash-linked blocks (valid roots,
 * the right epoch) from height 1, each claiming a certificate far above that never comes.
 * It gives up after `stopAfter` blocks (so that the old code, which never dropped it, ends).
 */
function fakeHeaderPeer(stopAfter: number, served: { blocks: number }, onePerAnswer = false): SyncPeerScript {
  const fakes: BuiltBlock[] = [build.root()];
  const fake = (h: number): CommittedBlock => {
    while (fakes.length <= h) fakes.push(build.block(fakes[fakes.length - 1] as BuiltBlock, 0, 1000 + fakes.length));
    const b = fakes[h] as BuiltBlock;
    return servedBlock(b, commitQc(g.chainId, b.header, b.hash, 0, [0]), Number.MAX_SAFE_INTEGER - 1);
  };
  return (req: SyncMessage) => {
    if (req.kind === 'getHead') return { kind: 'head', height: Number.MAX_SAFE_INTEGER };
    if (req.kind !== 'getBlocks' || served.blocks >= stopAfter) return null;
    const n = onePerAnswer ? 1 : req.limit;
    const blocks = Array.from({ length: n }, (_, i) => fake(req.from + i));
    served.blocks += n;
    return { kind: 'blocks', blocks };
  };
}

async function run(peers: Map<number, SyncPeerScript>, opts: Partial<BlockSyncOpts> = {}, delayMs = 0) {
  const chain = await memoryChain(g);
  const transport = new ScriptedTransport(peers, delayMs);
  const sync = new BlockSync({ requestTimeoutMs: 1000, batchSize: 32, ...opts }, { transport, chain, clock: TEST_CLOCK, log: quiet });
  transport.onMessage((from, _c, bytes) => sync.handleMessage(from, bytes));
  await sync.catchUp();
  return chain;
}

describe('block sync progress bounds', () => {
  it('drops a peer whose claimed head never materialises once it holds the bounded number of unproven blocks, then syncs from an honest one', async () => {
    // docs/protocol.md R18 (sync progress bound): at most 256 blocks wait for one certificate; a peer past the bound is dropped for the run
    const real = realChain(40);
    const served = { blocks: 0 };
    const chain = await run(new Map([[1, fakeHeaderPeer(5000, served)], [2, servingPeer(real)]]));
    expect(served.blocks, 'fake blocks taken from the hostile peer').toBeLessThanOrEqual(256 + 32);
    expect(chain.head().height).toBe(40);
    expect(toHex(chain.head().hash)).toBe(toHex(real[39]!.hash));
  });

  it('drops a peer that keeps answering without ever proving a block for progressTimeoutMs', async () => {
    // docs/protocol.md R18 (sync progress bound): a peer that proves no block for progressTimeoutMs is dropped; the run moves on
    const real = realChain(5);
    const served = { blocks: 0 };
    const started = Date.now();
    // One block per answer, each after 5 ms: far under the waiting bound for the whole test.
    const chain = await run(new Map([[1, fakeHeaderPeer(2000, served, true)], [2, servingPeer(real)]]), { progressTimeoutMs: 150, waiting: { maxWaitingBlocks: 10_000, maxWaitingBytes: 1 << 30 } }, 5);
    expect(served.blocks, 'answers taken from the hostile peer').toBeLessThan(200);
    expect(chain.head().height).toBe(5);
    // Printed, not asserted (timing): how long the hostile peer held the sync.
    console.log(`hostile peer held the sync ${Date.now() - started} ms`);
  });
});
