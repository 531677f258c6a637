import { describe, expect, it } from 'vitest';
import type { Encrypter } from '../../src/p2p/libp2p-transport.js';
import { protocolOf } from '../../src/p2p/channels.js';
import { startMember, testMembers } from '../helpers/p2p-cluster.js';
import { Inbox, resendUntil, waitFor } from '../helpers/p2p-inbox.js';
import { runStranger } from '../helpers/p2p-process.js';
import { utf8 } from '../../src/util/bytes.js';

const decode = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('member allow-list (real sockets, a real stranger process)', () => {
  it.each<Encrypter>(['tls', 'noise'])('a stranger with a valid libp2p identity (%s): 100 dials, no stream opens, nothing delivered', async (encrypter) => {
    const members = await testMembers(`gating-${process.pid}-${encrypter}`, 2);
    // A generous per-host rate, so every one of the 100 attempts reaches the allow-list.
    const opts = { encrypter, inboundConnectionsPerSecond: 10_000 };
    const [a, b] = await Promise.all([startMember(members, 0, opts), startMember(members, 1, opts)]);
    try {
      const inbox = new Inbox(a);
      const target = a.listenAddresses()[0] as string;
      const before = a.stats().refusedConnections;
      const report = await runStranger({ target, protocol: protocolOf('consensus'), attempts: 100, encrypter });
      expect(report.attempts).toBe(100);
      expect(report.streamsOpened, 'no stranger stream is ever negotiated').toBe(0);
      expect(report.streamsFailed, 'every stranger stream fails').toBe(100);
      expect(report.framesWritten).toBe(0);
      expect(inbox.messages, 'the handler never ran').toHaveLength(0);
      expect(a.stats().refusedConnections - before, 'each attempt was refused by the gater').toBeGreaterThanOrEqual(100);
      // The member network still works after the flood.
      b.send(0, 'consensus', utf8('member'));
      await inbox.first((m) => m.from === 1 && decode(m.bytes) === 'member');
      expect(inbox.messages).toHaveLength(1);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('a member removed with updateMembers is disconnected and refused from then on', async () => {
    const members = await testMembers(`removal-${process.pid}`, 3);
    const ts = await Promise.all(members.map((_, i) => startMember(members, i)));
    const [a, b, c] = ts as [typeof ts[0], typeof ts[0], typeof ts[0]];
    try {
      const inbox = new Inbox(a);
      await resendUntil(() => c.send(0, 'consensus', utf8('before')), inbox.first((m) => decode(m.bytes) === 'before'));
      await waitFor(() => a.connectedPeers().length === 2, 'full mesh at member 0');
      const refusedBefore = a.stats().refusedConnections;
      a.updateMembers([members[0]!.member, members[1]!.member]);
      await waitFor(() => !a.connectedPeers().includes(2) && a.connectedPeers().length === 1, 'member 0 to drop the removed member');
      // The removed member keeps trying; each attempt is refused at the handshake.
      c.send(0, 'consensus', utf8('after-removal'));
      await waitFor(() => a.stats().refusedConnections > refusedBefore, 'the removed member to be refused');
      b.send(0, 'consensus', utf8('marker'));
      await inbox.first((m) => decode(m.bytes) === 'marker');
      expect(inbox.messages.map((m) => decode(m.bytes)).filter((s) => s === 'after-removal'), 'nothing from the removed member').toEqual([]);
      expect(a.connectedPeers()).toEqual([1]);
    } finally {
      await Promise.all(ts.map((t) => t.stop()));
    }
  });

  it('what was queued for a member just before its removal still reaches it', async () => {
    // docs/protocol.md R20: the certificate that ends an epoch is owed to the members leaving it
    const members = await testMembers(`farewell-${process.pid}`, 3);
    const ts = await Promise.all(members.map((_, i) => startMember(members, i)));
    const [a, , c] = ts as [typeof ts[0], typeof ts[0], typeof ts[0]];
    try {
      const inbox = new Inbox(c);
      await resendUntil(() => a.send(2, 'consensus', utf8('hello')), inbox.first((m) => decode(m.bytes) === 'hello'));
      for (let i = 0; i < 3; i++) a.broadcast('consensus', utf8(`farewell-${i}`));
      a.updateMembers([members[0]!.member, members[1]!.member]);
      for (let i = 0; i < 3; i++) await inbox.first((m) => m.from === 0 && decode(m.bytes) === `farewell-${i}`);
      await waitFor(() => !a.connectedPeers().includes(2), 'member 0 to drop the removed member afterwards');
    } finally {
      await Promise.all(ts.map((t) => t.stop()));
    }
  });

  it('a member that sends a frame above the channel limit is dropped; the frame is never delivered', async () => {
    const members = await testMembers(`offender-${process.pid}`, 2);
    // Member 0 is misconfigured (or hostile) and lets 5 MiB consensus messages out.
    const a = await startMember(members, 0, { maxMessageBytes: { consensus: 8 * 1024 * 1024 } });
    const b = await startMember(members, 1);
    try {
      const inbox = new Inbox(b);
      a.send(1, 'consensus', new Uint8Array(5 * 1024 * 1024));
      await waitFor(() => b.stats().offenders === 1, 'member 1 to drop the offender');
      // The connection was dropped; the next (valid) messages get through after reconnection.
      await resendUntil(() => a.send(1, 'consensus', utf8('valid')), inbox.first((m) => decode(m.bytes) === 'valid'));
      expect(inbox.messages.every((m) => m.bytes.length < 1024), 'the oversized frame was never delivered').toBe(true);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
