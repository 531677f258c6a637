import { describe, expect, it } from 'vitest';
import { encodeConsensusMessage } from '../../../src/codec/consensus.js';
import type { Application } from '../../../src/consensus/runtime/application.js';
import { AppPipeline, type PipelineEvent } from '../../../src/consensus/runtime/app-pipeline.js';
import { VirtualClock } from '../../../src/consensus/sim/virtual-clock.js';
import { decodeConsensusMessage } from '../../../src/codec/consensus.js';
import { consensusMessageLimit } from '../../../src/consensus/runtime/message-limits.js';
import { ConsensusRuntime } from '../../../src/consensus/runtime/runtime.js';
import { MemorySafetyStore } from '../../../src/consensus/sim/memory-safety-store.js';
import { simKey } from '../../../src/consensus/sim/sim-cluster.js';
import type { Block } from '../../../src/types/block.js';
import type { Channel, Transport } from '../../../src/types/edges.js';
import { toHex } from '../../../src/util/bytes.js';
import { chain, epoch, genesisHead, makeBlock, qcOn } from './fixture.js';
import { RuntimeHarness, type HarnessNode } from './runtime-harness.js';

// A syncInfo whose certificate names epoch 5: nothing this node can verify (it does not know
// epoch 5's members), and free for any member to send.
function laterEpochClaim(): Uint8Array {
  const qc = qcOn(makeBlock(1, null, null));
  return encodeConsensusMessage({ type: 'syncInfo', highQc: { ...qc, data: { ...qc.data, epoch: 5 } }, highTc: null });
}

describe('runtime bounds against one Byzantine member', () => {
  it('a lone member naming a later epoch starts one sync per epoch at most; f+1 distinct members start one more', async () => {
    // docs/protocol.md R20 (sync epoch check): a lone claim is tested by one sync; once disproven only f+1 distinct members start another
    const h = new RuntimeHarness();
    let syncs = 0;
    for (let i = 0; i < 3; i++) await h.add(i);
    const victim: HarnessNode = await h.add(3, { sync: { syncTo: async () => void syncs++ } });
    expect(await h.runUntil(() => h.minHeight() >= 3, 10_000)).toBe(true);
    const claim = laterEpochClaim();
    // Member 1 repeats the claim, well past the rate limit (one view timeout).
    for (let k = 0; k < 5; k++) {
      h.nodes.get(1)?.transport.send(3, 'consensus', claim);
      await h.runUntil(() => false, h.clock.now() + 300);
    }
    expect(syncs, 'the lone claim is tested once, then disbelieved').toBe(1);
    h.nodes.get(2)?.transport.send(3, 'consensus', claim);
    expect(await h.runUntil(() => syncs > 1, h.clock.now() + 1000), 'f+1 = 2 members did').toBe(true);
    expect(victim.logs.some((l) => l.msg === 'Peers are in a later epoch: block sync requested')).toBe(true);
  });
});

describe('app pipeline sync requests', () => {
  it('requests that arrive while a sync waits for the commit queue share it instead of queueing runs of their own', async () => {
    // docs/protocol.md R18 (sync progress bound): sync runs on the commit queue, so each queued run would hold it again
    let release: () => void = () => undefined;
    let runs = 0;
    const events: PipelineEvent[] = [];
    const head = { height: 0, hash: new Uint8Array(32), view: 0, epoch: 0, timestampMs: 0 };
    const app = { onTxsAvailable: () => undefined, committedHead: () => head } as unknown as Application;
    const pipeline = new AppPipeline({ heartbeatMs: 0, maxClockSkewMs: 10_000, maxVoteWaitMs: 4_000 }, {
      app, clock: new VirtualClock(), enqueue: (ev) => events.push(ev), fail: (e) => { throw e; },
      sync: { syncTo: () => { runs++; return new Promise<void>((r) => { release = r; }); } },
    });
    pipeline.sync(10, 1);
    await new Promise((r) => setImmediate(r));
    expect(runs, 'the first sync runs').toBe(1);
    // While it runs, a flood of requests (a peer reconnecting, claims, the core): one more run at most.
    for (let i = 0; i < 50; i++) pipeline.sync(0, 2);
    // Let every queued run finish (the old pipeline queued one per request).
    for (let i = 0; i < 60; i++) {
      release();
      await new Promise((r) => setImmediate(r));
    }
    await pipeline.stop();
    expect(runs).toBe(2);
    expect(events.filter((e) => e.type === 'syncCompleted')).toHaveLength(2);
  });
});

// A runtime of a node that is not a member (key 9: no core), fed by hand: what it serves and
// what its inbox takes does not depend on consensus traffic.
async function standalone(params = { viewTimeoutMs: 1000, maxViewTimeoutMs: 8000, maxBlockTxs: 100, maxBlockBytes: 1 << 20, heartbeatMinutes: 0 }) {
  const { blocks } = chain(10);
  const byHash = new Map<string, Block>(blocks.map((b) => [toHex(b.hash), b.block]));
  const app = {
    onTxsAvailable: () => undefined, hasPendingTxs: () => false, committedHead: () => genesisHead, currentEpoch: () => epoch,
    committedBlock: async (h: Uint8Array) => byHash.get(toHex(h)) ?? null,
  } as unknown as Application;
  const sent: { to: number; bytes: Uint8Array }[] = [];
  let handler: (from: number, channel: Channel, bytes: Uint8Array) => void = () => undefined;
  const transport: Transport = {
    self: -1, start: async () => undefined, stop: async () => undefined, connectedPeers: () => [0, 1, 2, 3],
    onMessage: (h) => { handler = h; }, broadcast: () => undefined, send: (to, _ch, bytes) => void sent.push({ to, bytes }),
  };
  const syncs = { n: 0 };
  const rt = new ConsensusRuntime({ chainId: 'sim', params, signingKey: simKey(9) }, {
    clock: new VirtualClock(), transport, safetyStore: new MemorySafetyStore(), application: app, sync: { syncTo: async () => void syncs.n++ },
  });
  await rt.start();
  return { rt, sent, blocks, syncs, deliver: (from: number, bytes: Uint8Array) => handler(from, 'consensus', bytes) };
}

describe('per-member bounds of the runtime', () => {
  it('one member fills at most its share of the inbox: another member\'s message still gets in', async () => {
    // docs/protocol.md R23: one member holds at most floor(10,000 / n) inbox messages
    const { rt, syncs, deliver } = await standalone();
    const noise = encodeConsensusMessage({ type: 'syncInfo', highQc: null, highTc: null });
    // Synchronously, as a burst of frames from one connection arrives: the inbox loop has not run yet.
    for (let i = 0; i < 10_000; i++) deliver(1, noise);
    deliver(2, laterEpochClaim());
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    // (The inbox loop takes the first message at once, so one more fits.)
    expect(rt.refusedByPeerBounds, 'member 1 kept to 10,000 / 4').toBe(10_000 - 2_501);
    expect(syncs.n, 'member 2 was heard').toBe(1);
    await rt.stop();
  });

  it('serves at most 8 block requests of one member at once, and still serves another member', async () => {
    // docs/protocol.md R23: block requests are bounded per member (8 in flight, 100/s, bursts of 128)
    const { rt, sent, blocks, deliver } = await standalone();
    const req = encodeConsensusMessage({ type: 'blockRequest', hash: blocks[9]!.hash, count: 10 });
    for (let i = 0; i < 200; i++) deliver(1, req);
    deliver(2, req);
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    expect(sent.filter((s) => s.to === 1)).toHaveLength(8);
    expect(sent.filter((s) => s.to === 2)).toHaveLength(1);
    await rt.stop();
  });
});

describe('block responses', () => {
  it('are packed by size under the consensus channel limit, at least one block each', async () => {
    // docs/protocol.md R17 (message limits): a block response never exceeds the consensus channel's message limit
    const params = { viewTimeoutMs: 1000, maxViewTimeoutMs: 8000, maxBlockTxs: 100, maxBlockBytes: 1 << 20, heartbeatMinutes: 0 };
    // Ten committed blocks of 800,000 transaction bytes each (50 of 16,000): two fit under 2 MiB.
    const { blocks } = chain(10);
    const txs = Array.from({ length: 50 }, () => new Uint8Array(16_000));
    const byHash = new Map<string, Block>(blocks.map((b) => [toHex(b.hash), { ...b.block, txs }]));
    const app = {
      onTxsAvailable: () => undefined, hasPendingTxs: () => false, committedHead: () => genesisHead, currentEpoch: () => epoch,
      committedBlock: async (h: Uint8Array) => byHash.get(toHex(h)) ?? null,
    } as unknown as Application;
    const sent: Uint8Array[] = [];
    let handler: (from: number, channel: Channel, bytes: Uint8Array) => void = () => undefined;
    const transport: Transport = {
      self: -1, start: async () => undefined, stop: async () => undefined, connectedPeers: () => [1],
      onMessage: (h) => { handler = h; }, broadcast: () => undefined, send: (_to, _ch, bytes) => void sent.push(bytes),
    };
    // A node that is not a member (key 9) still serves what it has.
    const rt = new ConsensusRuntime({ chainId: 'sim', params, signingKey: simKey(9) }, { clock: new VirtualClock(), transport, safetyStore: new MemorySafetyStore(), application: app });
    await rt.start();
    const top = blocks[9]!;
    handler(1, 'consensus', encodeConsensusMessage({ type: 'blockRequest', hash: top.hash, count: 10 }));
    await new Promise((r) => setImmediate(r));
    await rt.stop();
    expect(sent).toHaveLength(1);
    const bytes = sent[0]!;
    expect(bytes.length).toBeLessThanOrEqual(consensusMessageLimit(params));
    const m = decodeConsensusMessage(bytes);
    expect(m.type === 'blockResponse' && m.blocks.map((b) => b.header.height)).toEqual([10, 9]);
  });
});
