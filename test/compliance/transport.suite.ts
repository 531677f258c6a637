import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Channel, Transport } from '../../src/types/edges.js';
import { bytesEqual, utf8 } from '../../src/util/bytes.js';
import { Inbox, resendUntil, waitFor, type Received } from '../helpers/p2p-inbox.js';

/**
 * A started cluster of n transports, member i at transports[i], on a network without faults.
 * Real transports use sockets on 127.0.0.1; the simulator's SimNetwork fits as well.
 */
export interface TransportCluster<T extends Transport = Transport> {
  readonly transports: T[];
  /** Stops member i and starts a fresh transport with the same identity in its place. */
  restart(i: number): Promise<T>;
  /** Stops every transport and awaits it. */
  stop(): Promise<void>;
}

const text = (s: string): Uint8Array => utf8(s);
const decode = (b: Uint8Array): string => new TextDecoder().decode(b);
const is = (from: number, channel: Channel, s: string) => (m: Received): boolean =>
  m.from === from && m.channel === channel && decode(m.bytes) === s;

/** A message carrying (sender, sequence number) plus `padBytes` of filler. */
function seqMessage(seq: number, padBytes = 16): Uint8Array {
  const b = new Uint8Array(4 + padBytes);
  new DataView(b.buffer).setUint32(0, seq);
  return b;
}
const seqOf = (b: Uint8Array): number => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0);

async function withCluster<T extends Transport>(
  make: (n: number) => Promise<TransportCluster<T>>,
  n: number,
  body: (c: TransportCluster<T>, inboxes: Inbox[]) => Promise<void>,
): Promise<void> {
  const cluster = await make(n);
  try {
    await body(cluster, cluster.transports.map((t) => new Inbox(t)));
  } finally {
    await cluster.stop();
  }
}

/**
 * The Transport contract (src/types/edges.ts), run against every implementation
 * (docs/conventions.md, Compliance): delivery, per-pair order, channels, size, self, close, restart.
 * Add an implementation with one line: transportSuite('Name', (n) => makeCluster(n)).
 */
export function transportSuite<T extends Transport>(name: string, makeCluster: (n: number) => Promise<TransportCluster<T>>): void {
  describe(`Transport compliance: ${name}`, () => {
    it('send delivers to the addressed member only, tagged with sender and channel', async () => {
      await withCluster(makeCluster, 3, async (c, inbox) => {
        const [a, , cc] = c.transports as [T, T, T];
        a.send(1, 'consensus', text('to-b'));
        a.send(2, 'consensus', text('marker'));
        const got = await inbox[1]!.first(is(0, 'consensus', 'to-b'));
        expect(got.from).toBe(0);
        await inbox[2]!.first(is(0, 'consensus', 'marker'));
        expect(inbox[2]!.messages.map((m) => decode(m.bytes)), 'member 2 got only its own message').toEqual(['marker']);
        expect(inbox[0]!.messages, 'sender got nothing').toHaveLength(0);
        expect(cc.self).toBe(2);
      });
    });

    it('broadcast reaches every member but self; send to self is ignored', async () => {
      await withCluster(makeCluster, 4, async (c, inbox) => {
        const [a, b] = c.transports as [T, T];
        a.broadcast('consensus', text('all'));
        a.send(0, 'consensus', text('self'));
        await Promise.all([1, 2, 3].map((i) => inbox[i]!.first(is(0, 'consensus', 'all'))));
        // A round trip through member 1 after the broadcast: if self-delivery existed it had time.
        b.send(0, 'consensus', text('ack'));
        await inbox[0]!.first(is(1, 'consensus', 'ack'));
        expect(inbox[0]!.messages.map((m) => decode(m.bytes)), 'self never hears itself').toEqual(['ack']);
        for (const i of [1, 2, 3]) expect(inbox[i]!.messages, `member ${i} got the broadcast once`).toHaveLength(1);
      });
    });

    it('keeps per-pair order under 10,000 pipelined messages from each of two senders', async () => {
      await withCluster(makeCluster, 3, async (c, inbox) => {
        const N = 10_000;
        for (let seq = 0; seq < N; seq++) {
          c.transports[1]!.send(0, 'consensus', seqMessage(seq));
          c.transports[2]!.send(0, 'consensus', seqMessage(seq, 64));
        }
        await inbox[0]!.count(() => true, 2 * N);
        for (const from of [1, 2]) {
          const seqs = inbox[0]!.messages.filter((m) => m.from === from).map((m) => seqOf(m.bytes));
          expect(seqs.length, `all from ${from}`).toBe(N);
          seqs.forEach((s, i) => expect(s, `message ${i} from ${from} in order`).toBe(i));
        }
      });
    });

    it('keeps channels separate', async () => {
      await withCluster(makeCluster, 2, async (c, inbox) => {
        const channels: Channel[] = ['consensus', 'batches', 'sync'];
        for (const ch of channels) for (let k = 0; k < 20; k++) c.transports[0]!.send(1, ch, text(`${ch}-${k}`));
        await inbox[1]!.count(() => true, 60);
        for (const ch of channels) {
          const got = inbox[1]!.messages.filter((m) => m.channel === ch).map((m) => decode(m.bytes));
          expect(got, `channel ${ch} carries its own messages in order`).toEqual(Array.from({ length: 20 }, (_, k) => `${ch}-${k}`));
        }
      });
    });

    it('delivers a 4 MiB message intact on every channel', async () => {
      await withCluster(makeCluster, 2, async (c, inbox) => {
        const big = new Uint8Array(randomBytes(4 * 1024 * 1024));
        for (const ch of ['consensus', 'batches', 'sync'] as const) c.transports[0]!.send(1, ch, big);
        await inbox[1]!.count(() => true, 3);
        for (const m of inbox[1]!.messages) expect(bytesEqual(m.bytes, big), `${m.channel} payload intact`).toBe(true);
      });
    });

    it('delivers empty messages', async () => {
      await withCluster(makeCluster, 2, async (c, inbox) => {
        c.transports[0]!.send(1, 'consensus', new Uint8Array(0));
        c.transports[0]!.send(1, 'consensus', text('after'));
        await inbox[1]!.first(is(0, 'consensus', 'after'));
        expect(inbox[1]!.messages.map((m) => m.bytes.length)).toEqual([0, 5]);
      });
    });

    it('after stop: no delivery to the stopped member, and send never throws', async () => {
      await withCluster(makeCluster, 3, async (c, inbox) => {
        const [a, b] = c.transports as [T, T];
        a.send(1, 'consensus', text('before'));
        await inbox[1]!.first(is(0, 'consensus', 'before'));
        await b.stop();
        expect(() => b.send(0, 'consensus', text('from-stopped'))).not.toThrow();
        expect(() => b.broadcast('batches', text('from-stopped'))).not.toThrow();
        for (let k = 0; k < 100; k++) expect(() => a.send(1, 'consensus', text('after'))).not.toThrow();
        a.send(2, 'consensus', text('marker'));
        await inbox[2]!.first(is(0, 'consensus', 'marker'));
        await waitFor(() => !a.connectedPeers().includes(1), 'member 0 to see member 1 gone');
        expect(inbox[1]!.messages.map((m) => decode(m.bytes)), 'nothing after stop').toEqual(['before']);
        expect(inbox[0]!.messages, 'the stopped member sent nothing').toHaveLength(0);
        await b.stop();
      });
    });

    it('reconnects after one member restarts, in both directions', async () => {
      await withCluster(makeCluster, 3, async (c, inbox) => {
        await waitFor(() => c.transports.every((t) => t.connectedPeers().length === 2), 'full mesh');
        const a = c.transports[0]!;
        await c.transports[1]!.stop();
        await waitFor(() => !a.connectedPeers().includes(1), 'member 0 to notice the stop');
        const b2 = await c.restart(1);
        const inbox1 = new Inbox(b2);
        await resendUntil(() => a.send(1, 'consensus', text('hello-again')), inbox1.first(is(0, 'consensus', 'hello-again')));
        await resendUntil(() => b2.send(0, 'consensus', text('back')), inbox[0]!.first(is(1, 'consensus', 'back')));
        await waitFor(() => a.connectedPeers().includes(1) && b2.connectedPeers().length === 2, 'mesh restored');
        // The third member kept working throughout.
        c.transports[2]!.send(0, 'batches', text('still-here'));
        await inbox[0]!.first(is(2, 'batches', 'still-here'));
      });
    });
  });
}
