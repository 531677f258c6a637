import { describe, expect, it } from 'vitest';
import type { Libp2pTransport } from '../../src/p2p/libp2p-transport.js';
import type { MemberIndex } from '../../src/types/primitives.js';
import { startMember, testMembers } from '../helpers/p2p-cluster.js';
import { Inbox } from '../helpers/p2p-inbox.js';
import { PEER_OPS } from '../helpers/p2p-peer-ops.js';
import { killPeer, spawnPeer, type PeerProcess } from '../helpers/p2p-process.js';

/** Resolves at the next onPeerChange(peer, connected), or now if already in that state. */
function peerState(t: Libp2pTransport, peer: MemberIndex, connected: boolean): Promise<void> {
  if (t.connectedPeers().includes(peer) === connected) return Promise.resolve();
  return new Promise((resolve) => {
    t.onPeerChange((p, c) => {
      if (p === peer && c === connected) resolve();
    });
  });
}

let pingSeq = 0;

/** Sends an ECHO to a peer process and resolves when the same bytes come back from it. */
async function echo(t: Libp2pTransport, inbox: Inbox, peer: MemberIndex): Promise<void> {
  const ping = new Uint8Array(9);
  ping[0] = PEER_OPS.ECHO;
  new DataView(ping.buffer).setUint32(1, pingSeq++);
  const back = inbox.first((m) => m.from === peer && m.bytes.length === 9 && m.bytes.every((x, i) => x === ping[i]));
  t.send(peer, 'consensus', ping);
  await back;
}

describe('connection teardown on Node 20 (kill -9 of a peer process)', () => {
  it('the survivor notices, keeps working with the others, and reconnects when the peer returns', async () => {
    const members = await testMembers(`teardown-${process.pid}`, 3);
    const procs: PeerProcess[] = [];
    let a: Libp2pTransport | undefined;
    try {
      procs.push(await spawnPeer(members, 1), await spawnPeer(members, 2));
      a = await startMember(members, 0);
      const inbox = new Inbox(a);
      await Promise.all([peerState(a, 1, true), peerState(a, 2, true)]);
      await Promise.all([echo(a, inbox, 1), echo(a, inbox, 2)]);

      const lost = peerState(a, 1, false);
      await killPeer(procs[0] as PeerProcess);
      await lost;
      expect(a.connectedPeers(), 'member 1 is gone, member 2 stays').toEqual([2]);
      await echo(a, inbox, 2);
      expect(() => a?.send(1, 'consensus', new Uint8Array(8))).not.toThrow();

      const back = peerState(a, 1, true);
      procs[0] = await spawnPeer(members, 1);
      await back;
      await echo(a, inbox, 1);
      await echo(a, inbox, 2);
      expect(a.connectedPeers()).toEqual([1, 2]);
    } finally {
      await a?.stop();
      await Promise.all(procs.map(killPeer));
    }
  });
});
