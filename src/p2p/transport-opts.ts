import type { Channel } from '../types/edges.js';
import type { Member } from '../types/genesis.js';
import type { MemberIndex } from '../types/primitives.js';
import { LedgerError } from '../util/errors.js';
import type { QueueLimits } from './channels.js';
import type { P2pLogger } from './logger.js';

/**
 * Connection encrypter, chosen by measurement: bench/p2p.bench.ts, two processes over
 * 127.0.0.1, 2-core AMD EPYC shared with other jobs, Node 20.20, encrypters interleaved per
 * repetition; three runs on 2026-11-23, the last in bench/results/p2p.json.
 *   bulk CPU of both processes, ms per MB (4 KiB / 256 KiB msgs):
 *     tls   4.6 / 5.3,  4.6 / 4.3,  3.7 / 4.8
 *     noise 8.5 / 9.8,  4.9 / 5.0,  4.2 / 5.5
 *   last run, wall: bulk 256 KiB tls 381 vs noise 340 MB/s; 4 KiB 284 vs 236 MB/s;
 *   64 B pipelined 1.50 M vs 1.43 M msg/s; 64 B round trip p50 399 vs 417 µs;
 *   handshake of a fresh connection p50 83 vs 47 ms (machine loaded).
 * The early "tls ~10x faster" estimate (docs/measurements.md) does not hold for @libp2p/noise 17, whose ChaCha20-Poly1305
 * runs in node:crypto (OpenSSL) like TLS's AES-GCM; both ciphers cost ~0.7 ms/MB here, the
 * rest is framing and copies. TLS cost 6-46% less CPU per bulk MB in every run, and
 * bulk bytes (batches, sync) dominate a busy node, so `tls` is the default. Its price is a
 * slower handshake (a certificate per connection), paid once per long-lived member connection
 * and per stranger attempt, the latter bounded by inboundConnectionsPerSecond. Noise stays
 * selectable.
 */
export type Encrypter = 'tls' | 'noise';

/** The encrypter used when opts.encrypter is absent (see Encrypter for the measurement). */
export const DEFAULT_ENCRYPTER: Encrypter = 'tls';

/** Options of Libp2pTransport. */
export interface Libp2pTransportOpts {
  /**
   * This node's index in `members`, checked against the seed. Omitted, it is looked up; a node
   * whose key is not in the list (not voted in yet, or voted out) runs as an observer: it
   * dials the members, is heard only by those that admit it, and its `self` is -1.
   */
  readonly self?: MemberIndex;
  /** The member list in force (genesis, or the latest governance change). */
  readonly members: readonly Member[];
  /** This node's 32-byte ed25519 seed; when `self` is given it must match members[self].publicKey. */
  readonly seed: Uint8Array;
  /** Listen multiaddr, e.g. /ip4/0.0.0.0/tcp/9080. */
  readonly listen: string;
  /** Default DEFAULT_ENCRYPTER; every member of a network must use the same one. */
  readonly encrypter?: Encrypter;
  /** Per-channel message bound, both directions; defaults DEFAULT_MAX_MESSAGE_BYTES. */
  readonly maxMessageBytes?: Partial<Record<Channel, number>>;
  /** Per-peer, per-channel outbound queue bounds; defaults DEFAULT_QUEUE_LIMITS. */
  readonly queueLimits?: Partial<Record<Channel, QueueLimits>>;
  /** First reconnection delay; doubles per failure up to reconnectMaxMs. Default 100. */
  readonly reconnectBaseMs?: number;
  /** Cap of the reconnection delay. Default 5000. */
  readonly reconnectMaxMs?: number;
  /**
   * Inbound connections accepted per second from one remote host. libp2p's default of 5 trips
   * on local clusters, where every member is 127.0.0.1 (docs/measurements.md); a bound still caps the
   * handshake work a stranger can make us do. Default 100.
   */
  readonly inboundConnectionsPerSecond?: number;
}

/** Why an outbound message was dropped before it left. */
export type DropReason = 'queue_full' | 'oversize';

/** Why a connection to a member ended (metric label; the log line carries the detail). */
export type DisconnectReason = 'closed_by_peer' | 'closed_locally' | 'error' | 'invalid_frame' | 'removed';

/** Metrics the transport updates where their events happen (node/metrics.ts provides them). */
export interface P2pMetrics {
  readonly messagesDropped: { inc(labels: { peer: string; channel: Channel; reason: DropReason }, value?: number): void };
  readonly peerDisconnects: { inc(labels: { peer: string; reason: DisconnectReason }): void };
}

/** Dependencies of Libp2pTransport. */
export interface Libp2pTransportDeps {
  readonly log?: P2pLogger;
  readonly metrics?: P2pMetrics | null;
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
export type TransportErrorCode = 'P2P_BAD_SELF';

/** An identity the transport cannot run with. */
export class TransportConfigError extends LedgerError<TransportErrorCode> {}
