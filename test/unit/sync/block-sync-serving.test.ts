import { describe, expect, it } from 'vitest';
import { decodeSyncMessage, encodeSyncMessage } from '../../../src/codec/sync.js';
import { BlockSync, SYNC_SERVE_LIMITS, type SyncChain } from '../../../src/sync/block-sync.js';
import type { CommittedBlock } from '../../../src/types/block.js';
import { chain as testChain, qcOn } from '../consensus/fixture.js';
import { ScriptedTransport, TEST_CLOCK } from '../../helpers/sync-chain.js';

const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };

// Ten committed blocks of 800,000 transaction bytes each (50 of 16,000).
const { blocks, qcs } = testChain(10);
const txs = Array.from({ length: 50 }, () => new Uint8Array(16_000));
const stored: CommittedBlock[] = blocks.map((b, i) => ({ block: { ...b.block, txs }, hash: b.hash, commitQc: qcs[i] ?? qcOn(b), certifiedHeight: b.block.header.height }));

function server(maxResponseBytes?: number): { sync: BlockSync; transport: ScriptedTransport; reads: { n: number }; refused: string[] } {
  const reads = { n: 0 };
  // ledger_p2p_messages_refused_total as /metrics exports it: "peer/channel/reason" per refusal.
  const refused: string[] = [];
  const nothing = { set: () => undefined };
  const metrics = {
    syncing: nothing, syncTarget: nothing, syncLag: nothing, syncedBlocks: { inc: () => undefined },
    messagesRefused: { inc: (l: { peer: string; channel: string; reason: string }) => void refused.push(`${l.peer}/${l.channel}/${l.reason}`) },
  };
  const chain: SyncChain = {
    chainId: 'sim', head: () => ({ height: 10, hash: blocks[9]!.hash }), epochAt: () => ({ epoch: 0, members: [] }),
    applySynced: async () => 'read only',
    readBlocks: async (from, limit) => {
      reads.n++;
      return stored.slice(from - 1, from - 1 + limit);
    },
  };
  const transport = new ScriptedTransport(new Map());
  const sync = new BlockSync({ requestTimeoutMs: 1000, batchSize: 32, ...(maxResponseBytes ? { maxResponseBytes } : {}) }, { transport, chain, clock: TEST_CLOCK, log: quiet, metrics, peerName: (i) => `member${i + 1}` });
  return { sync, transport, reads, refused };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('block sync serving', () => {
  it('packs an answer by encoded size, whole blocks, at least one', async () => {
    // docs/protocol.md R18 (message limits): a sync answer stays under the sync channel's limit
    const { sync, transport } = server(2 * 1024 * 1024);
    sync.handleMessage(1, encodeSyncMessage({ kind: 'getBlocks', from: 1, limit: 10 }));
    await settle();
    const answer = decodeSyncMessage(transport.sent[0]!.bytes);
    expect(answer.kind === 'blocks' && answer.blocks.map((b) => b.block.header.height)).toEqual([1, 2]);
    expect(transport.sent[0]!.bytes.length).toBeLessThanOrEqual(2 * 1024 * 1024);
  });

  it('bounds what one peer can ask for, without starving another', async () => {
    // docs/protocol.md R18 (per-peer bounds): at most 2 sync requests in flight and 20 per second (bursts of 40) per peer

    expect(SYNC_SERVE_LIMITS.maxInFlight).toBe(2);
    const { sync, transport, reads, refused } = server();
    for (let i = 0; i < 100; i++) sync.handleMessage(1, encodeSyncMessage({ kind: 'getBlocks', from: 1, limit: 1 }));
    sync.handleMessage(2, encodeSyncMessage({ kind: 'getBlocks', from: 1, limit: 1 }));
    await settle();
    expect(reads.n, 'disk reads started for the flood plus the other peer').toBe(2 + 1);
    expect(transport.sent.filter((s) => s.to === 2)).toHaveLength(1);
    expect(sync.refusedRequests).toBe(100 - 2);
    expect(refused, 'each refusal is counted for its member on /metrics').toEqual(Array(100 - 2).fill('member2/sync/request_limit'));
    // Sequential requests, as an honest syncing peer sends them, are all served up to the burst.
    for (let i = 0; i < 30; i++) {
      sync.handleMessage(3, encodeSyncMessage({ kind: 'getBlocks', from: 1, limit: 1 }));
      await settle();
    }
    expect(transport.sent.filter((s) => s.to === 3)).toHaveLength(30);
  });
});
