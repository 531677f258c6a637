import { describe, expect, it } from 'vitest';
import { decodeConsensusMessage } from '../../../src/codec/consensus.js';
import type { FakeReconfiguration } from '../../../src/consensus/sim/fake-application.js';
import { blockHash } from '../../../src/consensus/core/block-tree.js';
import type { SyncDriver } from '../../../src/consensus/runtime/application.js';
import type { CommittedBlock } from '../../../src/types/block.js';
import type { Transport } from '../../../src/types/edges.js';
import { bytesEqual, toHex } from '../../../src/util/bytes.js';
import { HARNESS_EPOCH, RuntimeHarness, type HarnessNode } from './runtime-harness.js';

const SAME_MEMBERS: FakeReconfiguration = { epoch: 0, atHeight: 3, members: HARNESS_EPOCH.members };

function node(h: RuntimeHarness, i: number): HarnessNode {
  return h.nodes.get(i) as HarnessNode;
}

function blocksOf(n: HarnessNode): CommittedBlock[] {
  const out: CommittedBlock[] = [];
  for (let x = 1; x <= n.chain.head().height; x++) out.push(n.chain.at(x) as CommittedBlock);
  return out;
}

// The simulator's stand-in for src/sync: copy what node `from` committed, once the network
// lets `to` reach it again (virtual time `reachableFromMs`).
function copyFrom(h: RuntimeHarness, to: number, from: number, reachableFromMs = 0): SyncDriver {
  return {
    syncTo: async () => {
      if (h.clock.now() < reachableFromMs) return;
      const target = node(h, to);
      const have = target.chain.head().height;
      const missing = blocksOf(node(h, from)).slice(have);
      if (missing.length > 0) await target.app.commit(missing);
    },
  };
}

describe('consensus runtime across epochs', () => {
  it('ends the epoch at the reconfiguration block and continues the chain in the next one', async () => {
    // docs/protocol.md R20: epoch e ends at B; epoch e+1 starts at B.height + 1, rooted at B, first block without parentQc
    const h = new RuntimeHarness();
    for (let i = 0; i < 4; i++) await h.add(i, { reconfigurations: [SAME_MEMBERS] });
    expect(await h.runUntil(() => h.minHeight() >= 8, 20_000), 'all four reach height 8').toBe(true);
    const chains = [0, 1, 2, 3].map((i) => blocksOf(node(h, i)).slice(0, 8).map((c) => toHex(c.hash)));
    for (const c of chains.slice(1)) expect(c).toEqual(chains[0]);
    const blocks = blocksOf(node(h, 0));
    const b3 = blocks[2] as CommittedBlock;
    const b4 = blocks[3] as CommittedBlock;
    expect(blocks.slice(0, 3).map((c) => c.block.header.epoch)).toEqual([0, 0, 0]);
    expect(blocks.slice(3, 8).every((c) => c.block.header.epoch === 1), 'heights 4.. are epoch 1').toBe(true);
    expect(b4.block.header.parentQc, 'the first block of an epoch carries no QC').toBeNull();
    expect(bytesEqual(b4.block.header.parentHash, b3.hash)).toBe(true);
    expect(b4.block.header.view).toBeGreaterThan(b3.block.header.view);
    for (const n of h.nodes.values()) {
      expect(n.runtime.currentEpoch?.epoch).toBe(1);
      expect(n.logs.some((l) => l.msg === 'Epoch started'), 'each node logs the switch').toBe(true);
    }
  });

  it('keeps a provable commit certificate for the last block of an epoch, through its suffix when needed', async () => {
    // docs/protocol.md R20: B's CommittedBlock carries the QC that committed it; suffix headers link B to the certified block
    const h = new RuntimeHarness();
    // Every vote for the first block proposed above B is lost, so B's child in the next view is
    // never certified: B commits only as an ancestor, through a certificate on a suffix block.
    let doomed: string | null = null;
    const dropVotesAboveB = (t: Transport): Transport => {
      const pass = (bytes: Uint8Array): boolean => {
        const m = decodeConsensusMessage(bytes);
        if (m.type !== 'vote' || m.data.epoch !== 0 || m.data.height !== 4) return true;
        doomed ??= toHex(m.data.blockHash);
        return toHex(m.data.blockHash) !== doomed;
      };
      return {
        self: t.self, start: () => t.start(), stop: () => t.stop(), onMessage: (fn) => t.onMessage(fn), connectedPeers: () => t.connectedPeers(),
        send: (to, ch, bytes) => { if (ch !== 'consensus' || pass(bytes)) t.send(to, ch, bytes); },
        broadcast: (ch, bytes) => { if (ch !== 'consensus' || pass(bytes)) t.broadcast(ch, bytes); },
      };
    };
    for (let i = 0; i < 4; i++) await h.add(i, { reconfigurations: [SAME_MEMBERS], wrapTransport: dropVotesAboveB });
    expect(await h.runUntil(() => h.minHeight() >= 6, 20_000)).toBe(true);
    expect(doomed, 'a vote above B was dropped').not.toBeNull();
    for (const n of h.nodes.values()) {
      const b3 = n.chain.at(3) as CommittedBlock;
      const suffix = b3.suffix ?? [];
      expect(suffix.length, 'B was committed through its suffix').toBeGreaterThan(0);
      expect(b3.certifiedHeight - 3, 'one suffix header per height above B').toBe(suffix.length);
      let tip = b3.hash;
      for (const s of suffix) {
        expect(bytesEqual(s.parentHash, tip)).toBe(true);
        expect(s.epoch).toBe(0);
        tip = blockHash(s);
      }
      expect(bytesEqual(b3.commitQc.data.parentHash, tip), 'the QC certifies the top of the suffix').toBe(true);
      expect(b3.commitQc.data.parentView + 1).toBe(b3.commitQc.data.view);
    }
  });

  it('a member left out of the next epoch stops voting, and the others commit without it', async () => {
    // docs/protocol.md R20, R1: the new member list is the one certificates and leaders use
    const h = new RuntimeHarness();
    const removal: FakeReconfiguration = { epoch: 0, atHeight: 3, members: HARNESS_EPOCH.members.slice(0, 3) };
    for (let i = 0; i < 4; i++) await h.add(i, { reconfigurations: [removal] });
    expect(await h.runUntil(() => node(h, 3).runtime.currentEpoch?.epoch === 1, 20_000)).toBe(true);
    expect(node(h, 3).runtime.voting).toBe(false);
    let sentByRemoved = 0;
    h.net.onSend((_ep, from, _to, channel, bytes) => {
      const type = channel === 'consensus' ? decodeConsensusMessage(bytes).type : null;
      if (from === 3 && (type === 'vote' || type === 'timeout' || type === 'proposal')) sentByRemoved++;
    });
    const target = node(h, 0).chain.head().height + 5;
    expect(await h.runUntil(() => [0, 1, 2].every((i) => node(h, i).chain.head().height >= target), h.clock.now() + 20_000)).toBe(true);
    expect(sentByRemoved, 'the removed member sends no votes, timeouts or proposals').toBe(0);
    for (const c of blocksOf(node(h, 0)).slice(3)) {
      expect(c.block.header.proposer, `height ${c.block.header.height} proposer`).toBeLessThan(3);
      expect(c.commitQc.signatures.every((s) => s.member < 3)).toBe(true);
    }
  });

  it('a removed member that never saw the certificate ending its epoch still commits it and stops voting', async () => {
    // docs/protocol.md R20: at the switch each node sends its highest certificates to the old member list
    const h = new RuntimeHarness();
    const removal: FakeReconfiguration = { epoch: 0, atHeight: 3, members: HARNESS_EPOCH.members.slice(0, 3) };
    // Nothing that could carry the commit certificate of height 3 reaches member 3 except a
    // syncInfo: no proposal above height 3, no timeout.
    const starve3 = (t: Transport): Transport => {
      const pass = (to: number, bytes: Uint8Array): boolean => {
        if (to !== 3) return true;
        const m = decodeConsensusMessage(bytes);
        return !((m.type === 'proposal' && m.block.header.height >= 4) || m.type === 'timeout');
      };
      return {
        self: t.self, start: () => t.start(), stop: () => t.stop(), onMessage: (fn) => t.onMessage(fn), connectedPeers: () => t.connectedPeers(),
        send: (to, ch, bytes) => { if (ch !== 'consensus' || pass(to, bytes)) t.send(to, ch, bytes); },
        broadcast: (ch, bytes) => {
          for (let to = 0; to < 4; to++) if (to !== t.self && (ch !== 'consensus' || pass(to, bytes))) t.send(to, ch, bytes);
        },
      };
    };
    for (let i = 0; i < 4; i++) await h.add(i, { reconfigurations: [removal], wrapTransport: starve3 });
    expect(await h.runUntil(() => node(h, 3).runtime.currentEpoch?.epoch === 1, 20_000), 'member 3 learns the new member set').toBe(true);
    expect(node(h, 3).chain.head().height).toBe(3);
    expect(node(h, 3).runtime.voting).toBe(false);
  });

  it('a node that missed the end of its epoch syncs when it hears peers of the next one, then votes again', async () => {
    // docs/protocol.md R20: every message names its epoch; a later epoch means this node must catch up
    const h = new RuntimeHarness();
    for (let i = 0; i < 3; i++) await h.add(i, { reconfigurations: [SAME_MEMBERS] });
    h.net.isolate(3, 4_000);
    await h.add(3, { reconfigurations: [SAME_MEMBERS], sync: copyFrom(h, 3, 0, 4_000) });
    expect(await h.runUntil(() => [0, 1, 2].every((i) => node(h, i).chain.head().height >= 6), 4_000), 'three members go on').toBe(true);
    expect(node(h, 3).chain.head().height, 'the isolated member committed nothing').toBe(0);
    expect(await h.runUntil(() => node(h, 3).runtime.currentEpoch?.epoch === 1, 30_000), 'it switches after syncing').toBe(true);
    expect(node(h, 3).logs.some((l) => l.msg === 'Peers are in a later epoch: block sync requested')).toBe(true);
    const target = node(h, 0).chain.head().height + 3;
    expect(await h.runUntil(() => h.minHeight() >= target, h.clock.now() + 30_000)).toBe(true);
    const a = blocksOf(node(h, 0)).slice(0, target).map((c) => toHex(c.hash));
    expect(blocksOf(node(h, 3)).slice(0, target).map((c) => toHex(c.hash))).toEqual(a);
    expect(node(h, 3).runtime.voting).toBe(true);
  });
});
