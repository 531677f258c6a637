import { describe, expect, it } from 'vitest';
import { signingKeyFromSeed } from '../../../src/crypto/ed25519.js';
import { peerIdStringOf } from '../../../src/p2p/identity.js';
import type { OutboundLane } from '../../../src/p2p/outbound-lane.js';
import { buildPeerTable, PeerTableError } from '../../../src/p2p/peer-table.js';
import type { Channel } from '../../../src/types/edges.js';
import type { Member } from '../../../src/types/genesis.js';

const key = (n: number): Uint8Array => signingKeyFromSeed(new Uint8Array(32).fill(n)).publicKey;
const member = (n: number, address = `/ip4/127.0.0.1/tcp/${9000 + n}`): Member => ({ name: `m${n}`, publicKey: key(n), address });
// Lanes are opaque to the table; a tagged object stands in for them.
const fakeLanes = (tag: string) => ({ tag }) as unknown as Record<Channel, OutboundLane>;

describe('buildPeerTable', () => {
  it('lists every member but self, keyed by PeerId, dialing /p2p/<PeerId>', () => {
    const t = buildPeerTable([member(1), member(2), member(3)], 1, new Map(), (_p, k) => fakeLanes(k));
    expect([...t.values()].map((e) => e.index)).toEqual([0, 2]);
    const e = t.get(peerIdStringOf(key(3)));
    expect(e?.address.toString()).toBe(`/ip4/127.0.0.1/tcp/9003/p2p/${peerIdStringOf(key(3))}`);
  });

  it('keeps lanes of members that stay, with their new index', () => {
    const first = buildPeerTable([member(1), member(2), member(3)], 0, new Map(), (_p, k) => fakeLanes(`old-${k}`));
    const next = buildPeerTable([member(1), member(3), member(4)], 0, first, (_p, k) => fakeLanes(`new-${k}`));
    const kept = next.get(peerIdStringOf(key(3)));
    expect(kept?.index).toBe(1);
    expect(kept?.lanes).toBe(first.get(peerIdStringOf(key(3)))?.lanes);
    expect((next.get(peerIdStringOf(key(4)))?.lanes as unknown as { tag: string }).tag).toMatch(/^new-/);
    expect(next.has(peerIdStringOf(key(2)))).toBe(false);
  });

  it('accepts an address that already names the right PeerId', () => {
    const addr = `/ip4/127.0.0.1/tcp/9002/p2p/${peerIdStringOf(key(2))}`;
    const t = buildPeerTable([member(1), member(2, addr)], 0, new Map(), () => fakeLanes('x'));
    expect(t.get(peerIdStringOf(key(2)))?.address.toString()).toBe(addr);
  });

  it('refuses bad addresses, a foreign PeerId and duplicate keys with typed errors', () => {
    const build = (ms: Member[]) => () => buildPeerTable(ms, 0, new Map(), () => fakeLanes('x'));
    expect(build([member(1), member(2, 'not a multiaddr')])).toThrow(expect.objectContaining({ code: 'P2P_BAD_ADDRESS' }));
    expect(build([member(1), member(2, `/ip4/127.0.0.1/tcp/1/p2p/${peerIdStringOf(key(3))}`)])).toThrow(PeerTableError);
    expect(build([member(1), member(2), member(2)])).toThrow(expect.objectContaining({ code: 'P2P_DUPLICATE_MEMBER' }));
  });
});
