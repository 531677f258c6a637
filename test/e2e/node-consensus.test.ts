import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Testnet } from '../helpers/testnet.js';

// Real `ledger start` processes on 127.0.0.1: libp2p, LevelDB with fsync, REST.
describe('four members over libp2p', () => {
  let net: Testnet;

  beforeAll(async () => {
    net = await Testnet.create({ nodes: 4 });
    net.startAll();
  });
  afterAll(async () => {
    await net.destroy();
  });

  it('commit blocks and agree on the hash at every height', async () => {
    // An idle chain writes no block (docs/protocol.md R24): three transactions make three heights or more.
    await net.waitReady();
    for (let k = 0; k < 3; k++) await net.nudge(k % 4);
    const top = await net.height(0);
    expect(top).toBeGreaterThanOrEqual(3);
    await net.waitHeight(top);
    for (let h = 1; h <= top; h++) {
      const hashes = await Promise.all([0, 1, 2, 3].map((i) => net.blockHash(i, h)));
      expect(new Set(hashes).size, `block hashes at height ${h}: ${hashes.join(', ')}`).toBe(1);
    }
  });

  it('keep committing without a SIGKILLed member, which then catches up to the same head', async () => {
    await net.kill(2);
    const before = await net.height(0);
    for (let k = 0; k < 3; k++) await net.nudge(k === 1 ? 1 : 0);
    await net.waitHeight(before + 3, [0, 1, 3]);
    net.start(2);
    const target = await net.height(0);
    await net.waitHeight(target, [2]);
    for (let h = 1; h <= target; h++) {
      const hashes = await Promise.all([0, 1, 2, 3].map((i) => net.blockHash(i, h)));
      expect(new Set(hashes).size, `block hashes at height ${h}: ${hashes.join(', ')}`).toBe(1);
    }
  });

  it('stop cleanly on SIGTERM with exit code 0', async () => {
    const gone = net.exited(3);
    net.nodes[3]?.proc?.kill('SIGTERM');
    expect(await gone).toEqual({ code: 0, signal: null });
  });
});
