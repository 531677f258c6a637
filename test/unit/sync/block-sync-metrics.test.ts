import { describe, expect, it } from 'vitest';
import { decodeSyncMessage, encodeSyncMessage } from '../../../src/codec/sync.js';
import { BlockSync, type SyncChain, type SyncMetrics } from '../../../src/sync/block-sync.js';
import type { Channel, Clock, Transport } from '../../../src/types/edges.js';
import type { Hash } from '../../../src/types/primitives.js';

// A sync run sets its metrics as it goes: active while it runs, the target the best peer
// reported, the lag to it; back to inactive and no lag when it ends (here: the peer reports
// a higher head but then has no blocks to give, so the run skips it and ends).

type Call = [string, number];

function recording(calls: Call[]): SyncMetrics {
  const g = (name: string): { set(v: number): void } => ({ set: (v) => void calls.push([name, v]) });
  return { syncing: g('active'), syncTarget: g('target'), syncLag: g('lag'), syncedBlocks: { inc: (v = 1) => void calls.push(['blocks', v]) }, messagesRefused: { inc: () => void calls.push(['refused', 1]) } };
}

const CLOCK: Clock = {
  now: () => Date.now(),
  setTimer: (ms, fire) => {
    const t = setTimeout(fire, ms);
    return () => clearTimeout(t);
  },
};

describe('BlockSync metrics', () => {
  it('are active with target and lag during a run, and reset when it ends', async () => {
    const calls: Call[] = [];
    let sync: BlockSync | null = null;
    // Peer 1 answers as a member 7 blocks ahead that then has no blocks.
    const transport: Transport = {
      self: 0, start: async () => undefined, stop: async () => undefined, onMessage: () => undefined, broadcast: () => undefined,
      connectedPeers: () => [1],
      send: (to, channel: Channel, bytes) => {
        const m = decodeSyncMessage(bytes);
        const answer = m.kind === 'getHead' ? { kind: 'head' as const, height: 7 } : { kind: 'blocks' as const, blocks: [] };
        queueMicrotask(() => sync?.handleMessage(to, encodeSyncMessage(answer)));
        expect(channel).toBe('sync');
      },
    };
    const chain: SyncChain = {
      chainId: 'c', head: () => ({ height: 0, hash: new Uint8Array(32) as Hash }), epochAt: () => ({ epoch: 0, members: [] }),
      applySynced: async () => 'unused', readBlocks: async () => [],
    };
    const noop = (): void => undefined;
    sync = new BlockSync({ requestTimeoutMs: 5000, batchSize: 8 }, {
      transport, chain, clock: CLOCK, log: { info: noop, warn: noop, debug: noop }, metrics: recording(calls),
    });
    const during = sync.catchUp();
    expect(calls).toEqual([['active', 1]]);
    expect(await during).toBe(0);
    expect(calls).toEqual([['active', 1], ['target', 7], ['lag', 7], ['active', 0], ['lag', 0]]);
  });
});
