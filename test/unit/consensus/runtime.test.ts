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

  it('delays an empty proposal by emptyBlockIntervalMs and releases it when transactions arrive', async () => {
    // docs/protocol.md R19: an idle chain proposes once per interval; a proposal with transactions goes at once
    const h = await cluster({ idle: true, txsPerBlock: 0, emptyBlockIntervalMs: 150 });
    expect(await h.runUntil(() => h.minHeight() >= 4, 20_000)).toBe(true);
    const chain = (h.nodes.get(0) as HarnessNode).chain;
    const times = [1, 2, 3, 4].map((x) => chain.at(x)?.block.header.timestampMs ?? 0);
    for (let k = 1; k < times.length; k++) expect((times[k] as number) - (times[k - 1] as number)).toBeGreaterThanOrEqual(150);
    // Admissions that no block can include (nonce gaps) do not release empty proposals.
    const gapStart = h.minHeight();
    for (let k = 0; k < 20; k++) {
      for (const n of h.nodes.values()) n.app.announceUnselectableTx();
      await h.runUntil(() => false, h.clock.now() + 30);
    }
    expect(h.minHeight() - gapStart, 'about one block per 150 ms over 600 ms (19 when every admission released one)').toBeLessThanOrEqual(8);
    const before = h.clock.now();
    const target = h.minHeight() + 3;
    for (const n of h.nodes.values()) n.app.announceTxs();
    expect(await h.runUntil(() => h.minHeight() >= target, before + 20_000)).toBe(true);
    const fast = await cluster({ txsPerBlock: 1, emptyBlockIntervalMs: 150 });
    expect(await fast.runUntil(() => fast.minHeight() >= 10, 1000), 'blocks with transactions are not delayed').toBe(true);
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
