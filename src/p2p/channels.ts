import type { Channel } from '../types/edges.js';

/** Every logical channel, in a fixed order. */
export const CHANNELS: readonly Channel[] = ['consensus', 'batches', 'sync'];

/** libp2p protocol id of a channel; the version bumps on any wire change. */
export function protocolOf(channel: Channel): string {
  return `/ledger/${channel}/1.0.0`;
}

const MIB = 1024 * 1024;

/**
 * Largest message accepted per channel. A peer that announces a bigger one has its stream
 * aborted and its connection closed: a frame's length is read before its body, so the
 * receiver never buffers more than this per stream. Votes and timeouts are small; 4 MiB
 * leaves room for a proposal carrying batch references. Batches and sync responses carry
 * block bodies (maxBlockBytes is a genesis parameter) and get 64 MiB.
 */
export const DEFAULT_MAX_MESSAGE_BYTES: Readonly<Record<Channel, number>> = {
  consensus: 4 * MIB,
  batches: 64 * MIB,
  sync: 64 * MIB,
};

/** Bound of one outbound queue (per peer and channel); the oldest message goes first. */
export interface QueueLimits {
  readonly maxMessages: number;
  readonly maxBytes: number;
}

/**
 * Default outbound queue bounds per peer and channel. Worst case memory per peer is their
 * sum (~272 MiB), reached only while a peer is unreachable and we keep producing bulk data.
 * 100,000 messages hold a few seconds of pipelined consensus traffic at the measured rate.
 */
export const DEFAULT_QUEUE_LIMITS: Readonly<Record<Channel, QueueLimits>> = {
  consensus: { maxMessages: 100_000, maxBytes: 16 * MIB },
  batches: { maxMessages: 100_000, maxBytes: 128 * MIB },
  sync: { maxMessages: 100_000, maxBytes: 128 * MIB },
};
