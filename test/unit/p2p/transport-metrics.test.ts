import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { generateSigningKey } from '../../../src/crypto/keys.js';
import { createMetrics } from '../../../src/node/metrics.js';
import { Libp2pTransport } from '../../../src/p2p/libp2p-transport.js';

// The transport counts each message it drops, by member name, channel and reason, at the
// moment it drops it (not started: nothing drains the queues, so they overflow at will).

describe('Libp2pTransport drop metrics', () => {
  it('counts oversize and queue-full drops per member name and channel', async () => {
    const keys = [generateSigningKey(), generateSigningKey(), generateSigningKey()];
    const members = keys.map((k, i) => ({ name: `bank-${'abc'[i]}`, publicKey: k.publicKey, address: `/ip4/127.0.0.1/tcp/${40_000 + i}` }));
    const registry = new Registry();
    const metrics = createMetrics(registry, { version: 'test', commit: 'test' });
    const transport = new Libp2pTransport(
      {
        members, seed: keys[0]?.seed as Uint8Array, listen: members[0]?.address as string,
        maxMessageBytes: { consensus: 100 }, queueLimits: { consensus: { maxMessages: 2, maxBytes: 1 << 20 } },
      },
      { metrics },
    );
    transport.send(1, 'consensus', new Uint8Array(101));
    for (let i = 0; i < 5; i++) transport.send(2, 'consensus', new Uint8Array(10));
    transport.broadcast('batches', new Uint8Array(10));
    const values = (await metrics.messagesDropped.get()).values.map((v) => ({ ...v.labels, value: v.value }));
    expect(values).toEqual(expect.arrayContaining([
      { peer: 'bank-b', channel: 'consensus', reason: 'oversize', value: 1 },
      { peer: 'bank-c', channel: 'consensus', reason: 'queue_full', value: 3 },
    ]));
    expect(values).toHaveLength(2);
    await transport.stop();
  });
});
