import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../src/consensus/sim/rng.js';
import { SimNetwork, type SimTransport } from '../../src/consensus/sim/sim-network.js';
import { VirtualClock } from '../../src/consensus/sim/virtual-clock.js';
import type { Channel } from '../../src/types/edges.js';
import { utf8 } from '../../src/util/bytes.js';

// The simulator's transport must address members the way Libp2pTransport does
// (src/p2p/libp2p-transport.ts): by member index in the receiver's own list, reindexed by
// identity on updateMembers, and deaf to anyone not in that list (the MemberGater).

interface Got {
  readonly at: number;
  readonly from: number;
  readonly text: string;
}

function listen(t: SimTransport): Got[] {
  const got: Got[] = [];
  t.onMessage((from, _ch: Channel, bytes) => got.push({ at: t.node, from, text: new TextDecoder().decode(bytes) }));
  return got;
}

function drain(clock: VirtualClock): void {
  while (clock.runNext()) {
    // every delivery is one event
  }
}

function network(nodes: number, initial: readonly number[]): { clock: VirtualClock; ts: SimTransport[]; inbox: Got[][] } {
  const clock = new VirtualClock();
  const net = new SimNetwork(clock, new SeededRng(3), initial);
  const ts = [...Array(nodes).keys()].map((n) => net.transport(n));
  return { clock, ts, inbox: ts.map(listen) };
}

describe('SimTransport member lists', () => {
  it('reindexes by identity on updateMembers, like Libp2pTransport', () => {
    // docs/protocol.md R20: after a member in the middle leaves, every later member's index shifts down by one
    const { clock, ts, inbox } = network(4, [0, 1, 2, 3]);
    const next = [0, 2, 3];
    for (const n of next) ts[n]!.updateMembers(next);
    expect(ts.map((t) => t.self)).toEqual([0, 1, 1, 2]);
    ts[0]!.send(1, 'consensus', utf8('to-index-1'));
    ts[3]!.send(0, 'consensus', utf8('from-node-3'));
    drain(clock);
    expect(inbox[2], 'index 1 is node 2 now').toEqual([{ at: 2, from: 0, text: 'to-index-1' }]);
    expect(inbox[1], 'the removed node is not addressed').toEqual([]);
    expect(inbox[0], 'node 3 is member 2 in the new list').toEqual([{ at: 0, from: 2, text: 'from-node-3' }]);
  });

  it('drops messages from senders the receiver does not list, including ones in flight', () => {
    // docs/protocol.md R1: only current members are heard (the transport's allow-list)
    const { clock, ts, inbox } = network(4, [0, 1, 2, 3]);
    ts[1]!.broadcast('consensus', utf8('before-removal'));
    for (const n of [0, 2, 3]) ts[n]!.updateMembers([0, 2, 3]);
    drain(clock);
    expect(inbox.flat(), 'in flight when node 1 was removed: dropped on arrival').toEqual([]);
    ts[1]!.send(0, 'consensus', utf8('still-trying'));
    drain(clock);
    expect(inbox[0]).toEqual([]);
  });

  it('gives a process outside the member list self -1; it hears members only once they list it', () => {
    // docs/protocol.md R20: an added member is dormant until an epoch names it, then the others send to it
    const { clock, ts, inbox } = network(5, [0, 1, 2, 3]);
    expect(ts[4]!.self).toBe(-1);
    ts[0]!.broadcast('consensus', utf8('epoch-0'));
    drain(clock);
    expect(inbox[4], 'members do not send to a non-member').toEqual([]);
    const next = [0, 1, 4, 2, 3];
    ts[0]!.updateMembers(next);
    ts[0]!.broadcast('consensus', utf8('epoch-1'));
    drain(clock);
    expect(inbox[4], 'node 4 still uses the old list, where node 0 is index 0').toEqual([{ at: 4, from: 0, text: 'epoch-1' }]);
    expect(inbox[2]!.map((g) => g.text)).toEqual(['epoch-0', 'epoch-1']);
    ts[4]!.updateMembers(next);
    expect(ts[4]!.self).toBe(2);
    ts[4]!.send(0, 'consensus', utf8('hello'));
    ts[4]!.send(3, 'consensus', utf8('to-node-2'));
    drain(clock);
    expect(inbox[0]!.at(-1)).toEqual({ at: 0, from: 2, text: 'hello' });
    expect(inbox[2], 'node 2 does not list node 4 yet: refused').toEqual([{ at: 2, from: 0, text: 'epoch-0' }, { at: 2, from: 0, text: 'epoch-1' }]);
  });

  it('keeps the identity lists of a network without member changes (old seeds keep their schedules)', () => {
    // docs/protocol.md R22: a seed fixes the whole run, so the default addressing must not change
    const { clock, ts, inbox } = network(3, [0, 1, 2]);
    expect(ts.map((t) => [t.self, t.memberCount])).toEqual([[0, 3], [1, 3], [2, 3]]);
    ts[2]!.broadcast('sync', utf8('x'));
    drain(clock);
    expect(inbox.map((g) => g.map((m) => m.from))).toEqual([[2], [2], []]);
    expect(ts[0]!.connectedPeers()).toEqual([1, 2]);
  });
});
