import { describe, expect, it } from 'vitest';
import { signingKeyFromSeed } from '../../../src/crypto/ed25519.js';
import { identityFromSeed, IdentityError, peerIdOfPublicKey, peerIdStringOf } from '../../../src/p2p/identity.js';
import { installPromisePolyfill } from '../../../src/p2p/polyfill.js';

const seed = (n: number): Uint8Array => new Uint8Array(32).fill(n);

describe('p2p identity', () => {
  it('the PeerId from a seed equals the PeerId of the member public key in genesis', async () => {
    for (const n of [1, 2, 3]) {
      const id = await identityFromSeed(seed(n));
      const pub = signingKeyFromSeed(seed(n)).publicKey;
      expect(id.peerId.equals(peerIdOfPublicKey(pub))).toBe(true);
      expect(peerIdStringOf(pub)).toBe(id.peerId.toString());
      expect(peerIdStringOf(pub)).toMatch(/^12D3KooW/);
      expect([...id.privateKey.publicKey.raw]).toEqual([...pub]);
    }
  });

  it('different seeds give different PeerIds', async () => {
    const a = await identityFromSeed(seed(1));
    const b = await identityFromSeed(seed(2));
    expect(a.peerId.equals(b.peerId)).toBe(false);
  });

  it('rejects malformed keys with typed errors', async () => {
    await expect(identityFromSeed(new Uint8Array(31))).rejects.toMatchObject({ code: 'P2P_BAD_SEED' });
    expect(() => peerIdOfPublicKey(new Uint8Array(33))).toThrow(IdentityError);
  });
});

describe('Promise.withResolvers polyfill', () => {
  it('installs a working withResolvers when the runtime lacks one, and leaves an existing one alone', async () => {
    const P = Promise as unknown as { withResolvers?: unknown };
    const existing = P.withResolvers;
    expect(typeof existing).toBe('function');
    expect(installPromisePolyfill()).toBe(false);
    delete P.withResolvers;
    try {
      expect(installPromisePolyfill()).toBe(true);
      const r = Promise.withResolvers<number>();
      r.resolve(7);
      await expect(r.promise).resolves.toBe(7);
      const f = Promise.withResolvers<number>();
      f.reject(new Error('no'));
      await expect(f.promise).rejects.toThrow('no');
    } finally {
      P.withResolvers = existing;
    }
  });
});
