import { describe, expect, it } from 'vitest';
import { decodeConsensusMessage, decodeSafetyState, encodeConsensusMessage } from '../../../src/codec/consensus.js';
import { MemorySafetyStore } from '../../../src/consensus/sim/memory-safety-store.js';
import type { Transport } from '../../../src/types/edges.js';
import { toHex } from '../../../src/util/bytes.js';
import { InvariantError } from '../../../src/util/errors.js';
import { makeBlock, qcOn } from './fixture.js';
import { HARNESS_EPOCH, messageType, RuntimeHarness, settle, type HarnessNode } from './runtime-harness.js';

async function cluster(opts: Parameters<RuntimeHarness['add']>[1] = {}): Promise<RuntimeHarness> {
  const h = new RuntimeHarness();
  for (let i = 0; i < 4; i++) await h.add(i, opts);
  return h;
}

describe('consensus runtime', () => {
  it('commits the same blocks on four runtimes over the simulated transport', async () => {
    // docs/protocol.md R12: blocks commit once their child in the next view is certified
    const h = await cluster();
    expect(await h.runUntil(() => h.minHeight() >= 10, 10_000), 'four runtimes reach height 10').toBe(true);
    const hashes = (n: HarnessNode): string[] => [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((x) => toHex(n.chain.at(x)?.hash ?? new Uint8Array()));
    const [a, ...rest] = [...h.nodes.values()];
    for (const n of rest) expect(hashes(n)).toEqual(hashes(a as HarnessNode));
  });

  it('sends a vote or timeout only after the safety state that produced it is durable', async () => {
    // docs/protocol.md R9: persist (fsync) -> send
    const events: string[] = [];
    const h = new RuntimeHarness();
    for (let i = 0; i < 4; i++) {
      const inner = new MemorySafetyStore();
      const store = {
        load: () => inner.load(),
        // A slow disk: the write completes 5 ms of virtual time later.
        save: (bytes: Uint8Array) => new Promise<void>((resolve) => {
          h.clock.setTimer(5, () => {
            void inner.save(bytes).then(() => {
              events.push(`saved ${i} ${decodeSafetyState(bytes).lastVotedView}`);
              resolve();
            });
          });
        }),
      };
      const wrap = (t: Transport): Transport => ({
        self: t.self, start: () => t.start(), stop: () => t.stop(), onMessage: (fn) => t.onMessage(fn), connectedPeers: () => t.connectedPeers(),
        send: (to, ch, bytes) => { record(i, bytes); t.send(to, ch, bytes); },
        broadcast: (ch, bytes) => { record(i, bytes); t.broadcast(ch, bytes); },
      });
      await h.add(i, { store, wrapTransport: wrap });
    }
    function record(i: number, bytes: Uint8Array): void {
      const m = decodeConsensusMessage(bytes);
      if (m.type === 'vote') events.push(`sent ${i} ${m.data.view}`);
      if (m.type === 'timeout') events.push(`sent ${i} ${m.view}`);
    }
    expect(await h.runUntil(() => h.minHeight() >= 5, 10_000)).toBe(true);
    const sends = events.filter((e) => e.startsWith('sent'));
    expect(sends.length).toBeGreaterThan(10);
    for (const [k, e] of events.entries()) {
      if (!e.startsWith('sent')) continue;
      const [, who, view] = e.split(' ');
      const durable = events.slice(0, k).some((x) => {
        const [kind, w, v] = x.split(' ');
        return kind === 'saved' && w === who && Number(v) >= Number(view);
      });
      expect(durable, `${e} was preceded by a durable save`).toBe(true);
    }
  });

  it('writes nothing while idle, starts at once when transactions arrive, and goes quiet again', async () => {
    // docs/protocol.md R24: a view with nothing to order runs no timer and proposes nothing
    const h = await cluster({ idle: true });
    const sent = new Map<string, number>();
    h.net.onSend((_ep, _from, _to, _ch, bytes) => {
      const t = messageType(bytes) ?? 'other';
      sent.set(t, (sent.get(t) ?? 0) + 1);
    });
    await h.runUntil(() => false, 30_000);
    expect(h.minHeight(), 'no block in 30 s of idle').toBe(0);
    expect([...sent.keys()], 'not a single consensus message while idle').toEqual([]);
    // Admissions no block can include (nonce gaps) wake nobody.
    for (const n of h.nodes.values()) n.app.announceUnselectableTx();
    await h.runUntil(() => false, h.clock.now() + 5000);
    expect(h.minHeight()).toBe(0);
    expect(sent.size).toBe(0);

    const arrived = h.clock.now();
    for (const n of h.nodes.values()) n.app.announceTxs();
    expect(await h.runUntil(() => h.minHeight() >= 1, arrived + 20_000)).toBe(true);
    const latency = h.clock.now() - arrived;
    expect(latency, `first block after idle committed ${latency} ms after the transaction, no view timeout (200 ms) on the way`).toBeLessThan(200);
    expect((h.nodes.get(0) as HarnessNode).chain.at(1)?.block.txs.length).toBeGreaterThan(0);

    // The empty block that committed it stays uncommitted; then quiet again.
    await h.runUntil(() => false, h.clock.now() + 30_000);
    expect(h.minHeight(), 'one block with transactions, then nothing').toBe(1);
    expect(sent.get('timeout') ?? 0, 'no view timed out at any point').toBe(0);
    const views = [...h.nodes.values()].map((n) => n.runtime.status?.view);
    expect(new Set(views).size, `every member learned the last QC from the holding leader (views ${views.join(',')})`).toBe(1);
  });

  it('stops a view timer armed while the committed block\'s transactions were still in the pool', async () => {
    // docs/protocol.md R24: the real pool drops transactions only once their block commits, so
    // the view after a commit is entered with the pool still non-empty; once the commit is
    // applied the view is quiet and its timer must stop, or an idle chain times out views.
    const h = await cluster({ idle: true, poolLeavesAtCommit: true });
    let timeouts = 0;
    h.net.onSend((_ep, _from, _to, _ch, bytes) => {
      if (messageType(bytes) === 'timeout') timeouts++;
    });
    for (const n of h.nodes.values()) n.app.announceTxs();
    expect(await h.runUntil(() => h.minHeight() >= 1, 20_000)).toBe(true);
    await h.runUntil(() => false, h.clock.now() + 30_000);
    expect(h.minHeight(), 'the block with transactions, then nothing').toBe(1);
    const views = [...h.nodes.values()].map((n) => n.runtime.status?.view);
    expect(timeouts, `no view timed out after the commit (views ${views.join(',')})`).toBe(0);
  });

  it('writes one empty heartbeat block per interval on an idle chain', async () => {
    // docs/protocol.md R24: the held proposal goes out empty once its parent is heartbeatMinutes old
    const h = await cluster({ idle: true, heartbeatMinutes: 1 });
    let timeouts = 0;
    h.net.onSend((_ep, _from, _to, _ch, bytes) => {
      if (messageType(bytes) === 'timeout') timeouts++;
    });
    await h.runUntil(() => false, 5 * 60_000 + 1000);
    // Heartbeats at 1, 2, 3, 4 and 5 minutes; each one's QC commits the one before.
    expect(h.minHeight()).toBe(4);
    const chain = (h.nodes.get(0) as HarnessNode).chain;
    const times = [1, 2, 3, 4].map((x) => chain.at(x)?.block.header.timestampMs ?? 0);
    for (let k = 1; k < times.length; k++) expect((times[k] as number) - (times[k - 1] as number)).toBeGreaterThanOrEqual(60_000);
    expect(timeouts).toBe(0);
  });

  it('times out a leader that withholds its proposal while transactions wait', async () => {
    // docs/protocol.md R24: a view with transactions pending runs its timer, so a silent leader is replaced
    const h = new RuntimeHarness();
    // Member 1 leads view 1 and sends nothing.
    const silent = (t: Transport): Transport => ({ ...t, self: t.self, start: () => t.start(), stop: () => t.stop(), onMessage: (f) => t.onMessage(f), connectedPeers: () => t.connectedPeers(), send: () => undefined, broadcast: () => undefined });
    for (let i = 0; i < 4; i++) await h.add(i, i === 1 ? { idle: true, wrapTransport: silent } : { idle: true });
    await h.runUntil(() => false, 10_000);
    expect(h.minHeight()).toBe(0);
    for (const n of h.nodes.values()) n.app.announceTxs();
    let timeouts = 0;
    h.net.onSend((_ep, _from, _to, _ch, bytes) => {
      if (messageType(bytes) === 'timeout') timeouts++;
    });
    const honest = [0, 2, 3].map((i) => h.nodes.get(i) as HarnessNode);
    expect(await h.runUntil(() => honest.every((n) => n.chain.head().height >= 1), 30_000)).toBe(true);
    expect(timeouts, 'the view of the silent leader ended by timeout').toBeGreaterThanOrEqual(3);
  });

  it('restarts from the safety store and the committed chain, without voting twice, and catches up', async () => {
    // docs/protocol.md R14: a restarted node resumes at the view its persisted state justifies
    const h = await cluster();
    expect(await h.runUntil(() => h.minHeight() >= 5, 10_000)).toBe(true);
    const old = h.crash(2);
    const votedBefore = decodeSafetyState((await old.store.load()) as Uint8Array).lastVotedView;
    const heightBefore = old.chain.head().height;
    expect(await h.runUntil(() => h.minHeight() >= heightBefore + 10, 20_000)).toBe(true);
    const again = await h.add(2, { store: old.store, chain: old.chain });
    expect(again.runtime.status?.view).toBeGreaterThanOrEqual(votedBefore);
    const votes: number[] = [];
    h.net.onSend((_ep, from, _to, _ch, bytes) => {
      const m = from === 2 ? decodeConsensusMessage(bytes) : null;
      if (m?.type === 'vote') votes.push(m.data.view);
    });
    const target = Math.max(...[...h.nodes.values()].map((n) => n.chain.head().height)) + 3;
    expect(await h.runUntil(() => again.chain.head().height >= target, 60_000), 'the restarted node catches up').toBe(true);
    expect(votes.every((v) => v > votedBefore)).toBe(true);
    expect(new Set(votes).size).toBe(votes.length);
  });

  it('asks the sync driver when too far behind and resumes from the synced head', async () => {
    // docs/protocol.md R18: more than maxFetchGap heights behind -> syncNeeded -> syncCompleted
    const h = await cluster();
    expect(await h.runUntil(() => h.minHeight() >= 3, 10_000)).toBe(true);
    const old = h.crash(3);
    expect(await h.runUntil(() => h.minHeight() >= old.chain.head().height + 12, 20_000)).toBe(true);
    const source = (h.nodes.get(0) as HarnessNode).chain;
    let calls = 0;
    const node = await h.add(3, {
      store: old.store, chain: old.chain, maxFetchGap: 4,
      sync: {
        syncTo: async () => {
          calls++;
          const blocks = [];
          for (let x = node.chain.head().height + 1; x <= source.head().height; x++) blocks.push(source.at(x)!);
          await node.app.commit(blocks);
        },
      },
    });
    const target = source.head().height + 3;
    expect(await h.runUntil(() => node.chain.head().height >= target, 60_000)).toBe(true);
    expect(calls).toBeGreaterThanOrEqual(1);
  });

  it('answers block requests from its tree and committed store, and drops garbage', async () => {
    // docs/protocol.md R17: peers answer fetches newest first from tree or committed store
    const h = await cluster();
    expect(await h.runUntil(() => h.minHeight() >= 6, 10_000)).toBe(true);
    const n0 = h.nodes.get(0) as HarnessNode;
    const answers: string[] = [];
    n0.transport.onMessage((_from, _ch, bytes) => {
      const m = decodeConsensusMessage(bytes);
      if (m.type === 'blockResponse') answers.push(m.blocks.map((b) => b.header.height).join(','));
    });
    const head = n0.chain.at(5)!;
    n0.transport.send(1, 'consensus', new Uint8Array([0xc1, 0x00]));
    n0.transport.send(1, 'consensus', encodeConsensusMessage({ type: 'blockRequest', hash: head.hash, count: 3 }));
    expect(await h.runUntil(() => answers.length > 0, h.clock.now() + 1000)).toBe(true);
    expect(answers[0]).toBe('5,4,3');
    expect(h.nodes.get(1)?.runtime.halted).toBe(false);
    expect(messageType(new Uint8Array([1, 2, 3]))).toBeNull();
  });

  it('halts with CONSENSUS_HALTED on a broken invariant and sends nothing more', async () => {
    // docs/protocol.md R22: a broken invariant halts the node instead of letting it vote on
    const h = await cluster();
    expect(await h.runUntil(() => h.minHeight() >= 3, 10_000)).toBe(true);
    const victim = h.nodes.get(1) as HarnessNode;
    // Byzantine quorum (all keys): a certified fork of heights 1-2 that commits a conflicting block 1.
    const f1 = makeBlock(1, null, null, { salt: 42 });
    const f2 = makeBlock(2, f1, qcOn(f1));
    (h.nodes.get(0) as HarnessNode).transport.send(1, 'consensus', encodeConsensusMessage({ type: 'syncInfo', highQc: qcOn(f2), highTc: null }));
    let sentAfter = 0;
    expect(await h.runUntil(() => victim.runtime.halted, h.clock.now() + 1000)).toBe(true);
    h.net.onSend((_ep, from) => { if (from === 1) sentAfter++; });
    expect(victim.fatal).toBeInstanceOf(InvariantError);
    expect(victim.logs).toContainEqual(expect.objectContaining({ level: 'error', obj: expect.objectContaining({ code: 'CONSENSUS_HALTED' }) }));
    await h.runUntil(() => false, h.clock.now() + 2000);
    await settle();
    expect(sentAfter).toBe(0);
  });
});
