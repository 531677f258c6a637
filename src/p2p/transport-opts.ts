import type { Channel } from '../types/edges.js';
import type { Member } from '../types/genesis.js';
import type { MemberIndex } from '../types/primitives.js';
import { LedgerError } from '../util/errors.js';
import type { QueueLimits } from './channels.js';
import type { P2pLogger } from './logger.js';

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
