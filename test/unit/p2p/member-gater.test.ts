import { describe, expect, it } from 'vitest';
import { signingKeyFromSeed } from '../../../src/crypto/ed25519.js';
import { peerIdOfPublicKey } from '../../../src/p2p/identity.js';
import { MemberGater } from '../../../src/p2p/member-gater.js';
import { backoffDelayMs } from '../../../src/p2p/backoff.js';

const peer = (n: number) => peerIdOfPublicKey(signingKeyFromSeed(new Uint8Array(32).fill(n)).publicKey);

describe('MemberGater', () => {
  it('admits members and refuses strangers at every stage', () => {
    const [a, b, stranger] = [peer(1), peer(2), peer(3)];
    const g = new MemberGater([a.toString(), b.toString()]);
    expect(g.denyDialPeer(a)).toBe(false);
    expect(g.denyInboundEncryptedConnection(b)).toBe(false);
    expect(g.denyDialPeer(stranger)).toBe(true);
    expect(g.denyInboundEncryptedConnection(stranger)).toBe(true);
    expect(g.denyOutboundEncryptedConnection(stranger)).toBe(true);
    expect(g.denyInboundUpgradedConnection(stranger)).toBe(true);
    expect(g.denyOutboundUpgradedConnection(stranger)).toBe(true);
    expect(g.refused).toBe(4);
  });

  it('setAllowed replaces the list: a removed member is refused from then on', () => {
    const [a, b] = [peer(1), peer(2)];
    const g = new MemberGater([a.toString(), b.toString()]);
    g.setAllowed([a.toString()]);
    expect(g.isAllowed(b.toString())).toBe(false);
    expect(g.denyInboundEncryptedConnection(b)).toBe(true);
    expect(g.denyInboundEncryptedConnection(a)).toBe(false);
  });
});

describe('backoffDelayMs', () => {
  it('doubles from the base and never passes the cap', () => {
    const opts = { baseMs: 100, maxMs: 5000 };
    expect([0, 1, 2, 3, 4, 6, 7, 100, 10_000].map((f) => backoffDelayMs(f, opts))).toEqual([0, 100, 200, 400, 800, 3200, 5000, 5000, 5000]);
  });
});
