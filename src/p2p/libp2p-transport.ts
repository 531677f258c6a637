import './polyfill.js';
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
import { invariant, LedgerError, OperationalError } from '../util/errors.js';
import { backoffDelayMs, type BackoffOpts } from './backoff.js';
import { CHANNELS, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_QUEUE_LIMITS, protocolOf, type QueueLimits } from './channels.js';
import { FrameDecoder, FrameError } from './frame-decoder.js';
import { identityFromSeed } from './identity.js';
import { NOOP_LOGGER, type P2pLogger } from './logger.js';
import { MemberGater } from './member-gater.js';
import { OutboundLane } from './outbound-lane.js';
import { buildPeerTable, type PeerEntry } from './peer-table.js';

/**
 * Connection encrypter. Chosen by measurement (bench/p2p.bench.ts, this machine, 2 cores,
 * Node 20, one process, tcp+yamux over 127.0.0.1; see the report in bench/results/):
 *   - tls: node:crypto (OpenSSL) AES-GCM; bulk throughput several times noise's;
 *   - noise: ChaCha20-Poly1305 in JS (@noble/ciphers); small-message round trips are close.
 * Bulk batches and sync responses dominate bytes on the wire, so `tls` is the default; noise
 * stays selectable for interoperability.
 */
export type Encrypter = 'tls' | 'noise';

/** The encrypter used when opts.encrypter is absent (see Encrypter for the measurement). */
export const DEFAULT_ENCRYPTER: Encrypter = 'tls';

/** Options of Libp2pTransport. */
export interface Libp2pTransportOpts {
  /** This node's index in `members`. */
  readonly self: MemberIndex;
  /** The member list in force (genesis, or the latest governance change). */
  readonly members: readonly Member[];
  /** This member's 32-byte ed25519 seed; it must match members[self].publicKey. */
  readonly seed: Uint8Array;
  /** Listen multiaddr, e.g. /ip4/0.0.0.0/tcp/9080. */
  readonly listen: string;
  readonly encrypter?: Encrypter;
  readonly maxMessageBytes?: Partial<Record<Channel, number>>;
  readonly queueLimits?: Partial<Record<Channel, QueueLimits>>;
  /** First reconnection delay; doubles per failure up to reconnectMaxMs. Default 100. */
  readonly reconnectBaseMs?: number;
  /** Cap of the reconnection delay. Default 5000. */
  readonly reconnectMaxMs?: number;
  /**
   * Inbound connections accepted per second from one remote host. libp2p's default of 5 trips
   * on local clusters, where every member is 127.0.0.1 (MEASURED.md). Default 1000.
   */
  readonly inboundConnectionsPerSecond?: number;
}

/** Dependencies of Libp2pTransport. */
export interface Libp2pTransportDeps {
  readonly log?: P2pLogger;
}

/** Counters since start (for metrics and tests). */
export interface TransportStats {
  readonly sentMessages: number;
  readonly receivedMessages: number;
  /** Outbound messages dropped because a peer's queue was full. */
  readonly droppedQueueFull: number;
  /** Outbound messages refused because they exceed the channel limit. */
  readonly droppedOversize: number;
  /** Peers whose connection we dropped for sending an oversized or malformed frame. */
  readonly offenders: number;
  /** Connections refused by the member allow-list after the handshake. */
  readonly refusedConnections: number;
}

/** Error codes of Libp2pTransport's identity checks (address errors: PeerTableError). */
export type TransportErrorCode = 'P2P_BAD_SELF' | 'P2P_SELF_NOT_MEMBER';

/** An identity the transport cannot run with. */
export class TransportConfigError extends LedgerError<TransportErrorCode> {}

type MessageHandler = (from: MemberIndex, channel: Channel, bytes: Uint8Array) => void;
type PeerChangeHandler = (peer: MemberIndex, connected: boolean) => void;

/** Read-buffer headroom above the largest frame, for the bytes of the next frame's prefix. */
const READ_BUFFER_SLACK_BYTES = 1024 * 1024;

/**
 * The member network: Transport over libp2p (tcp, yamux, tls or noise). Only members'
 * PeerIds are admitted (MemberGater). Each (peer, channel) has one long-lived outbound
 * stream fed by a bounded queue (OutboundLane); inbound streams are decoded on 'message'
 * events with a per-channel size bound. A keep-alive dialer reconnects to every member with
 * capped back-off, so connectedPeers() is meaningful even without traffic. gossipsub is not
 * used: it has no back-pressure (MEASURED.md).
 */
export class Libp2pTransport implements Transport {
  private node: Libp2p | null = null;
  private state: 'new' | 'started' | 'stopped' = 'new';
  private readonly gater: MemberGater;
  private peers: ReadonlyMap<string, PeerEntry>;
  private selfIndex: MemberIndex;
  private readonly selfKey: Uint8Array;
  private readonly log: P2pLogger;
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
    this.maxBytes = { ...DEFAULT_MAX_MESSAGE_BYTES, ...opts.maxMessageBytes };
    this.limits = { ...DEFAULT_QUEUE_LIMITS, ...opts.queueLimits };
    this.backoff = { baseMs: opts.reconnectBaseMs ?? 100, maxMs: opts.reconnectMaxMs ?? 5000 };
    this.selfKey = signingKeyFromSeed(opts.seed).publicKey;
    const own = opts.members[opts.self];
    if (own === undefined || !bytesEqual(own.publicKey, this.selfKey)) {
      throw new TransportConfigError('P2P_BAD_SELF', 'members[self] is not the public key of this node\'s seed; check the key file and genesis', { self: opts.self });
    }
    this.selfIndex = opts.self;
    this.peers = this.buildTable(opts.members, opts.self, new Map());
    this.gater = new MemberGater(this.peers.keys());
  }

  /** This node's index in the member list in force. */
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
        inboundConnectionThreshold: this.opts.inboundConnectionsPerSecond ?? 1000,
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
    this.log.info({ self: this.selfIndex, encrypter, addresses: this.listenAddresses() }, 'P2P started');
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
    this.log.info({ self: this.selfIndex }, 'P2P stopped');
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
   * queues and connections and are refused from now on; indices follow the new list. Throws
   * TransportConfigError (and changes nothing) when this node is not in the list.
   */
  updateMembers(members: readonly Member[]): void {
    const self = members.findIndex((m) => bytesEqual(m.publicKey, this.selfKey));
    if (self < 0) throw new TransportConfigError('P2P_SELF_NOT_MEMBER', 'this node is not in the new member list', {});
    const old = this.peers;
    const next = this.buildTable(members, self, old);
    this.selfIndex = self;
    this.gater.setAllowed(next.keys());
    this.peers = next;
    for (const [key, entry] of old) {
      if (next.has(key)) continue;
      for (const p of this.retire(entry)) this.track(p);
      if (this.node !== null) this.track(this.node.hangUp(entry.peerId));
    }
    this.log.info({ self, members: members.length }, 'P2P member list updated');
    if (this.state !== 'started') return;
    for (const [key, entry] of next) {
      if (old.has(key)) continue;
      for (const lane of Object.values(entry.lanes)) lane.start();
      this.keepConnected(entry);
    }
  }

  private buildTable(members: readonly Member[], self: MemberIndex, previous: ReadonlyMap<string, PeerEntry>): Map<string, PeerEntry> {
    return buildPeerTable(members, self, previous, (peerId, key) => {
      const lanes = {} as Record<Channel, OutboundLane>;
      for (const channel of CHANNELS) {
        lanes[channel] = new OutboundLane(
          { peer: key, channel, maxMessageBytes: this.maxBytes[channel], limits: this.limits[channel], backoff: this.backoff },
          { openStream: (signal) => this.openStream(peerId, channel, signal), log: this.log },
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

  /** Dials the member unless connected or already trying; on failure retries with back-off. */
  private keepConnected(entry: PeerEntry): void {
    const node = this.node;
    const link = entry.link;
    if (node === null || this.state !== 'started' || link.retired || link.dialing || link.timer !== null) return;
    if (node.getConnections(entry.peerId).some((c) => c.status === 'open')) return;
    link.dialing = true;
    this.track(node.dial(entry.address, { signal: this.shutdown.signal }).then(
      () => {
        link.dialing = false;
        link.failures = 0;
      },
      (err: unknown) => {
        link.dialing = false;
        if (this.state !== 'started' || link.retired) return;
        link.failures++;
        this.log.debug({ peer: entry.index, failures: link.failures, err }, 'Dial failed');
        link.timer = setTimeout(() => {
          link.timer = null;
          this.keepConnected(entry);
        }, backoffDelayMs(link.failures, this.backoff));
      },
    ));
  }

  private handlePeerConnect(peerId: PeerId): void {
    const entry = this.peers.get(peerId.toString());
    if (entry === undefined || this.state !== 'started') return;
    if (entry.link.timer !== null) clearTimeout(entry.link.timer);
    entry.link.timer = null;
    entry.link.failures = 0;
    for (const lane of Object.values(entry.lanes)) lane.wake();
    this.log.debug({ peer: entry.index }, 'Peer connected');
    for (const h of this.peerHandlers) h(entry.index, true);
  }

  private handlePeerDisconnect(peerId: PeerId): void {
    const entry = this.peers.get(peerId.toString());
    if (entry === undefined || this.state !== 'started') return;
    this.log.warn({ peer: entry.index }, 'Peer disconnected');
    for (const h of this.peerHandlers) h(entry.index, false);
    this.keepConnected(entry);
  }

  private handleInbound(channel: Channel, stream: Stream, connection: Connection): void {
    const key = connection.remotePeer.toString();
    if (this.state !== 'started' || !this.peers.has(key)) {
      stream.abort(new Error('not a member'));
      return;
    }
    const max = this.maxBytes[channel];
    stream.maxReadBufferLength = max + READ_BUFFER_SLACK_BYTES;
    const decoder = new FrameDecoder(max);
    const onFrame = (frame: Uint8Array): void => this.deliver(key, channel, frame);
    stream.addEventListener('message', (evt) => {
      if (this.state !== 'started') return;
      try {
        const data = evt.data;
        if (data instanceof Uint8Array) decoder.push(data, onFrame);
        else for (const chunk of data) decoder.push(chunk, onFrame);
      } catch (err) {
        if (!(err instanceof FrameError)) throw err;
        this.offenders++;
        this.log.warn({ peer: this.peers.get(key)?.index, channel, code: err.code }, 'Peer sent an invalid frame; dropping its connection');
        stream.abort(err);
        connection.abort(err);
      }
    });
  }

  private deliver(key: string, channel: Channel, frame: Uint8Array): void {
    const entry = this.peers.get(key);
    // A member removed since the frame was sent is no longer heard (Transport contract).
    if (entry === undefined || this.state !== 'started') return;
    this.received++;
    for (const h of this.handlers) {
      try {
        h(entry.index, channel, frame);
      } catch (err) {
        this.log.warn({ peer: entry.index, channel, err }, 'Message handler threw');
      }
    }
  }

  private track(p: Promise<unknown>): void {
    const settled = p.then(() => undefined, () => undefined);
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
  }
}
