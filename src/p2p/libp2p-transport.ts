import './polyfill.js';
import { setTimeout as delay } from 'node:timers/promises';
import { noise } from '@libp2p/noise';
import { tcp } from '@libp2p/tcp';
import { tls } from '@libp2p/tls';
import { yamux } from '@libp2p/yamux';
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface';
import { createLibp2p } from 'libp2p';
import { signingKeyFromSeed } from '../crypto/ed25519.js';
import type { Channel, Transport } from '../types/edges.js';
import type { Member } from '../types/genesis.js';
import type { MemberIndex } from '../types/primitives.js';
import { bytesEqual } from '../util/bytes.js';
import { invariant, OperationalError } from '../util/errors.js';
import { backoffDelayMs, type BackoffOpts } from './backoff.js';
import { CHANNELS, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_QUEUE_LIMITS, protocolOf, type QueueLimits } from './channels.js';
import { identityFromSeed } from './identity.js';
import { readFrames } from './inbound-reader.js';
import { NOOP_LOGGER, type P2pLogger } from './logger.js';
import { MemberGater } from './member-gater.js';
import { OutboundLane } from './outbound-lane.js';
import { buildPeerTable, type PeerEntry } from './peer-table.js';
import {
  DEFAULT_ENCRYPTER, TransportConfigError, type DisconnectReason, type Libp2pTransportDeps, type Libp2pTransportOpts, type P2pMetrics, type TransportStats,
} from './transport-opts.js';

export { DEFAULT_ENCRYPTER, TransportConfigError } from './transport-opts.js';
export type { DisconnectReason, DropReason, Encrypter, Libp2pTransportDeps, Libp2pTransportOpts, P2pMetrics, TransportErrorCode, TransportStats } from './transport-opts.js';

type MessageHandler = (from: MemberIndex, channel: Channel, bytes: Uint8Array) => void;

// A member leaving the list gets this long to receive what was queued for it, and its
// connection lingers this long after that before we hang up.
const RETIRE_FLUSH_MS = 2000;
const RETIRE_LINGER_MS = 1000;
// A connection that lived less than this counts as a failed attempt (see handlePeerDisconnect).
const MIN_HEALTHY_CONNECTION_MS = 1000;
type PeerChangeHandler = (peer: MemberIndex, connected: boolean) => void;

/**
 * The member network: Transport over libp2p (tcp, yamux, tls or noise). Only members'
 * PeerIds are admitted (MemberGater). Each (peer, channel) has one long-lived outbound
 * stream fed by a bounded queue (OutboundLane); inbound streams are decoded on 'message'
 * events with a per-channel size bound. A keep-alive dialer reconnects to every member with
 * capped back-off, so connectedPeers() is meaningful even without traffic. gossipsub is not
 * used: it has no back-pressure (docs/measurements.md).
 */
export class Libp2pTransport implements Transport {
  private node: Libp2p | null = null;
  private state: 'new' | 'started' | 'stopped' = 'new';
  private readonly gater: MemberGater;
  private peers: ReadonlyMap<string, PeerEntry>;
  private selfIndex: MemberIndex;
  private memberList: readonly Member[];
  private readonly selfKey: Uint8Array;
  private readonly log: P2pLogger;
  private readonly metrics: P2pMetrics | null;
  private readonly maxBytes: Readonly<Record<Channel, number>>;
  private readonly limits: Readonly<Record<Channel, QueueLimits>>;
  private readonly backoff: BackoffOpts;
  private readonly handlers: MessageHandler[] = [];
  private readonly peerHandlers: PeerChangeHandler[] = [];
  private readonly shutdown = new AbortController();
  private readonly pending = new Set<Promise<unknown>>();
  private received = 0;
  private offenders = 0;
  private retiredLanes = { sent: 0, dropped: 0, oversize: 0 };

  constructor(
    private readonly opts: Libp2pTransportOpts,
    deps: Libp2pTransportDeps = {},
  ) {
    this.log = deps.log ?? NOOP_LOGGER;
    this.metrics = deps.metrics ?? null;
    this.maxBytes = { ...DEFAULT_MAX_MESSAGE_BYTES, ...opts.maxMessageBytes };
    this.limits = { ...DEFAULT_QUEUE_LIMITS, ...opts.queueLimits };
    this.backoff = { baseMs: opts.reconnectBaseMs ?? 100, maxMs: opts.reconnectMaxMs ?? 5000 };
    this.selfKey = signingKeyFromSeed(opts.seed).publicKey;
    const found = this.indexOfSelf(opts.members);
    if (opts.self !== undefined && opts.self !== found) {
      throw new TransportConfigError('P2P_BAD_SELF', 'members[self] is not the public key of this node\'s seed; check the key file and genesis', { self: opts.self });
    }
    this.selfIndex = found;
    this.memberList = opts.members;
    this.peers = this.buildTable(opts.members, found, new Map());
    this.gater = new MemberGater(this.peers.keys());
  }

  /** This node's index in the member list in force; -1 while it is not a member (observer). */
  get self(): MemberIndex {
    return this.selfIndex;
  }

  /** Starts listening and dialing members. Throws OperationalError when it cannot listen. */
  async start(): Promise<void> {
    invariant(this.state === 'new', 'Libp2pTransport.start called twice');
    const { privateKey } = await identityFromSeed(this.opts.seed);
    const encrypter = this.opts.encrypter ?? DEFAULT_ENCRYPTER;
    const node = await createLibp2p({
      privateKey,
      addresses: { listen: [this.opts.listen] },
      transports: [tcp()],
      connectionEncrypters: [encrypter === 'tls' ? tls() : noise()],
      streamMuxers: [yamux()],
      connectionGater: this.gater,
      connectionManager: {
        inboundConnectionThreshold: this.opts.inboundConnectionsPerSecond ?? 100,
        maxIncomingPendingConnections: 64,
        dialTimeout: 10_000,
      },
      start: false,
    });
    for (const channel of CHANNELS) {
      await node.handle(protocolOf(channel), (stream, connection) => this.handleInbound(channel, stream, connection), {
        maxInboundStreams: 16,
        maxOutboundStreams: 16,
      });
    }
    node.addEventListener('connection:open', (evt) => this.watchClose(evt.detail));
    node.addEventListener('peer:connect', (evt) => this.handlePeerConnect(evt.detail));
    node.addEventListener('peer:disconnect', (evt) => this.handlePeerDisconnect(evt.detail));
    try {
      await node.start();
    } catch (err) {
      await Promise.resolve(node.stop()).catch(() => undefined);
      this.state = 'stopped';
      throw new OperationalError('P2P_LISTEN_FAILED', `cannot listen on ${this.opts.listen}: ${String(err)}; free the port or choose another p2p address`, { listen: this.opts.listen });
    }
    this.node = node;
    this.state = 'started';
    this.log.info({ self: this.selfName(), encrypter, addresses: this.listenAddresses() }, 'P2P started');
    for (const entry of this.peers.values()) {
      for (const lane of Object.values(entry.lanes)) lane.start();
      this.keepConnected(entry);
    }
  }

  /** Closes every stream, connection and listener and awaits it; later sends are ignored. */
  async stop(): Promise<void> {
    if (this.state !== 'started') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopped';
    this.shutdown.abort();
    const lanes: Promise<void>[] = [];
    for (const entry of this.peers.values()) lanes.push(...this.retire(entry));
    await Promise.allSettled(lanes);
    await this.node?.stop();
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    this.node = null;
    this.log.info({ self: this.selfName() }, 'P2P stopped');
  }

  /** Fire-and-forget; never blocks or throws. Unknown targets and self are ignored. */
  send(to: MemberIndex, channel: Channel, bytes: Uint8Array): void {
    if (this.state === 'stopped' || to === this.selfIndex) return;
    for (const entry of this.peers.values()) {
      if (entry.index === to) {
        entry.lanes[channel].enqueue(bytes);
        return;
      }
    }
  }

  /** To every member but self. */
  broadcast(channel: Channel, bytes: Uint8Array): void {
    if (this.state === 'stopped') return;
    for (const entry of this.peers.values()) entry.lanes[channel].enqueue(bytes);
  }

  /** Adds a handler of messages from current members. */
  onMessage(handler: MessageHandler): void {
    this.handlers.push(handler);
  }

  /** Adds a handler told when a member's first connection opens or its last one closes. */
  onPeerChange(handler: PeerChangeHandler): void {
    this.peerHandlers.push(handler);
  }

  /** Members (by index, ascending) with at least one open connection. */
  connectedPeers(): readonly MemberIndex[] {
    const node = this.node;
    if (node === null) return [];
    const out: MemberIndex[] = [];
    for (const entry of this.peers.values()) {
      if (node.getConnections(entry.peerId).some((c) => c.status === 'open')) out.push(entry.index);
    }
    return out.sort((a, b) => a - b);
  }

  /** The addresses libp2p listens on, each ending in /p2p/<own PeerId>. */
  listenAddresses(): string[] {
    return this.node?.getMultiaddrs().map((ma) => ma.toString()) ?? [];
  }

  /** Counters since start. */
  stats(): TransportStats {
    let sent = this.retiredLanes.sent;
    let dropped = this.retiredLanes.dropped;
    let oversize = this.retiredLanes.oversize;
    for (const entry of this.peers.values()) {
      for (const lane of Object.values(entry.lanes)) {
        sent += lane.sentMessages;
        dropped += lane.dropped;
        oversize += lane.oversize;
      }
    }
    return {
      sentMessages: sent,
      receivedMessages: this.received,
      droppedQueueFull: dropped,
      droppedOversize: oversize,
      offenders: this.offenders,
      refusedConnections: this.gater.refused,
    };
  }

  /**
   * Replaces the member list (a governance change took effect). Removed members lose their
   * queues and connections and are refused from now on; indices follow the new list. A node
   * left out of the list becomes an observer (self -1): the members will refuse it, so its
   * queues drain nowhere, but its REST API keeps serving the chain it has.
   */
  updateMembers(members: readonly Member[]): void {
    const self = this.indexOfSelf(members);
    const old = this.peers;
    const next = this.buildTable(members, self, old);
    this.selfIndex = self;
    this.memberList = members;
    this.gater.setAllowed(next.keys());
    this.peers = next;
    for (const [key, entry] of old) {
      if (next.has(key)) continue;
      // What a leaving member is still owed (the certificate that ends its epoch, queued just
      // before this call) goes out first; it is no longer heard from meanwhile (deliver checks
      // the new table) and cannot reconnect (the gater already refuses it).
      this.track(this.retireGracefully(entry));
    }
    this.log.info({ self: members[self]?.name ?? null, members: members.map((m) => m.name) }, 'P2P member list updated');
    if (this.state !== 'started') return;
    for (const [key, entry] of next) {
      if (old.has(key)) continue;
      for (const lane of Object.values(entry.lanes)) lane.start();
      this.keepConnected(entry);
    }
  }

  // This node's member name, null while it is not a member (logs name members, not indices).
  private selfName(): string | null {
    return this.memberList[this.selfIndex]?.name ?? null;
  }

  private indexOfSelf(members: readonly Member[]): MemberIndex {
    return members.findIndex((m) => bytesEqual(m.publicKey, this.selfKey));
  }

  private buildTable(members: readonly Member[], self: MemberIndex, previous: ReadonlyMap<string, PeerEntry>): Map<string, PeerEntry> {
    return buildPeerTable(members, self, previous, (peerId, key, name) => {
      const lanes = {} as Record<Channel, OutboundLane>;
      for (const channel of CHANNELS) {
        const metrics = this.metrics;
        lanes[channel] = new OutboundLane(
          { peer: key, channel, maxMessageBytes: this.maxBytes[channel], limits: this.limits[channel], backoff: this.backoff },
          {
            openStream: (signal) => this.openStream(peerId, channel, signal), log: this.log,
            ...(metrics === null ? {} : { onDrop: (reason: 'queue_full' | 'oversize', n: number) => metrics.messagesDropped.inc({ peer: name, channel, reason }, n) }),
          },
        );
      }
      return lanes;
    });
  }

  private async openStream(peerId: PeerId, channel: Channel, signal: AbortSignal): Promise<Stream> {
    const node = this.node;
    const entry = this.peers.get(peerId.toString());
    if (node === null || entry === undefined) throw new Error('not started or not a member');
    return node.dialProtocol(entry.address, protocolOf(channel), { signal });
  }

  private retire(entry: PeerEntry): Promise<void>[] {
    if (entry.link.timer !== null) clearTimeout(entry.link.timer);
    entry.link.timer = null;
    entry.link.retired = true;
    return Object.values(entry.lanes).map((lane) => {
      this.retiredLanes.sent += lane.sentMessages;
      this.retiredLanes.dropped += lane.dropped;
      this.retiredLanes.oversize += lane.oversize;
      lane.sentMessages = 0;
      lane.oversize = 0;
      return lane.stop();
    });
  }

  private async retireGracefully(entry: PeerEntry): Promise<void> {
    const lanes = Object.values(entry.lanes);
    if (entry.link.timer !== null) clearTimeout(entry.link.timer);
    entry.link.timer = null;
    entry.link.retired = true;
    entry.link.closeReason = { reason: 'removed', detail: 'left the member list' };
    await Promise.allSettled(lanes.map((lane) => lane.finish(RETIRE_FLUSH_MS)));
    // A stream closed gracefully has handed its bytes to the muxer, not to the peer, and
    // hangUp right away loses them (seen: test/e2e/p2p-gating.test.ts, farewell): linger.
    await delay(RETIRE_LINGER_MS, undefined, { signal: this.shutdown.signal }).catch(() => undefined);
    await Promise.allSettled(this.retire(entry));
    if (this.node !== null && this.state === 'started') await this.node.hangUp(entry.peerId);
  }

  /** Dials the member unless connected or already trying; on failure retries with back-off. */
  private keepConnected(entry: PeerEntry): void {
    const node = this.node;
    const link = entry.link;
    if (node === null || this.state !== 'started' || link.retired || link.dialing || link.timer !== null) return;
    if (node.getConnections(entry.peerId).some((c) => c.status === 'open')) return;
    link.dialing = true;
    this.track(node.dial(entry.address, { signal: this.shutdown.signal }).then(
      () => {
        // Not yet a success: a peer that does not admit us resolves the dial, then cuts it.
        link.dialing = false;
      },
      (err: unknown) => {
        link.dialing = false;
        if (this.state !== 'started' || link.retired) return;
        link.failures++;
        this.log.debug({ peer: entry.name, failures: link.failures, err }, 'Dial failed');
        link.timer = setTimeout(() => {
          link.timer = null;
          this.keepConnected(entry);
        }, backoffDelayMs(link.failures, this.backoff));
      },
    ));
  }

  // libp2p reports a peer gone without saying why; its connection's close event knows
  // whether we or the peer ended it and with what error. A reason we set ourselves wins.
  private watchClose(connection: Connection): void {
    const entry = this.peers.get(connection.remotePeer.toString());
    if (entry === undefined) return;
    connection.addEventListener('close', (evt) => {
      if (entry.link.closeReason !== null) return;
      const err = (evt as Event & { error?: Error; local?: boolean }).error;
      const local = (evt as Event & { local?: boolean }).local === true;
      entry.link.closeReason = err !== undefined
        ? { reason: 'error', detail: `${err.name}: ${err.message}` }
        : local ? { reason: 'closed_locally', detail: this.state === 'started' ? 'closed by this node' : 'this node is stopping' } : { reason: 'closed_by_peer', detail: 'closed by the peer' };
    }, { once: true });
  }

  private handlePeerConnect(peerId: PeerId): void {
    const entry = this.peers.get(peerId.toString());
    if (entry === undefined || this.state !== 'started') return;
    if (entry.link.timer !== null) clearTimeout(entry.link.timer);
    entry.link.timer = null;
    const link = entry.link;
    link.connectedAtMs = Date.now();
    link.closeReason = null;
    for (const lane of Object.values(entry.lanes)) lane.wake();
    // A member that keeps cutting us right after the handshake (it does not admit us yet)
    // would write a line per attempt: only its first connection of a streak is at info.
    const at = link.cutStreak === 0 ? 'info' : 'debug';
    if (link.downSinceMs === 0) this.log[at]({ peer: entry.name, index: entry.index }, 'Peer connected');
    else this.log[at]({ peer: entry.name, index: entry.index, downMs: link.connectedAtMs - link.downSinceMs }, 'Peer reconnected');
    for (const h of this.peerHandlers) h(entry.index, true);
  }

  private handlePeerDisconnect(peerId: PeerId): void {
    const entry = this.peers.get(peerId.toString());
    if (entry === undefined || this.state !== 'started') return;
    const link = entry.link;
    const now = Date.now();
    const livedMs = now - link.connectedAtMs;
    link.connectedAtMs = 0;
    const why = link.closeReason ?? { reason: 'closed_by_peer' as const, detail: 'connection closed' };
    link.closeReason = null;
    this.metrics?.peerDisconnects.inc({ peer: entry.name, reason: why.reason });
    for (const h of this.peerHandlers) h(entry.index, false);
    if (livedMs >= MIN_HEALTHY_CONNECTION_MS) {
      link.failures = 0;
      link.cutStreak = 0;
      link.downSinceMs = now;
      this.log.warn({ peer: entry.name, index: entry.index, reason: why.reason, detail: why.detail, connectedMs: livedMs }, 'Peer disconnected');
      this.keepConnected(entry);
      return;
    }
    // Cut right after the handshake: the peer does not admit us (we are not, or no longer, in
    // its member list) or keeps crashing. Redialing at once would be a handshake loop that
    // burns both sides' CPU, so back off as after a failed dial.
    link.failures++;
    link.cutStreak++;
    if (link.downSinceMs === 0) link.downSinceMs = now;
    this.log.debug({ peer: entry.name, failures: link.failures, livedMs, reason: why.reason, detail: why.detail }, 'Peer cut the connection at once');
    if (link.retired || link.dialing || link.timer !== null) return;
    link.timer = setTimeout(() => {
      link.timer = null;
      this.keepConnected(entry);
    }, backoffDelayMs(link.failures, this.backoff));
  }

  private handleInbound(channel: Channel, stream: Stream, connection: Connection): void {
    const key = connection.remotePeer.toString();
    // The gater already refused non-members; this re-check covers a removal racing the stream.
    if (this.state === 'stopped' || !this.peers.has(key)) {
      stream.abort(new Error('not a member'));
      return;
    }
    readFrames(stream, this.maxBytes[channel], (frame) => this.deliver(key, channel, frame), (err) => {
      this.offenders++;
      const entry = this.peers.get(key);
      if (entry !== undefined) entry.link.closeReason = { reason: 'invalid_frame', detail: `invalid frame on ${channel}: ${err.code}` };
      this.log.warn({ peer: entry?.name, channel, code: err.code }, 'Peer sent an invalid frame; dropping its connection');
      stream.abort(err);
      connection.abort(err);
    });
  }

  private deliver(key: string, channel: Channel, frame: Uint8Array): void {
    const entry = this.peers.get(key);
    // A member removed since the frame was sent is no longer heard (Transport contract).
    if (entry === undefined || this.state === 'stopped') return;
    this.received++;
    for (const h of this.handlers) {
      try {
        h(entry.index, channel, frame);
      } catch (err) {
        this.log.warn({ peer: entry.name, channel, err }, 'Message handler threw');
      }
    }
  }

  private track(p: Promise<unknown>): void {
    const settled = p.then(() => undefined, () => undefined);
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
  }
}
