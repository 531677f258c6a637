import type { Stream } from '@libp2p/interface';
import type { Channel } from '../types/edges.js';
import { backoffDelayMs, type BackoffOpts } from './backoff.js';
import type { QueueLimits } from './channels.js';
import { encodeFramePrefix, framePrefixLength, writeFramePrefix } from './frame-decoder.js';
import type { P2pLogger } from './logger.js';
import { OutboundQueue } from './outbound-queue.js';
import type { DropReason } from './transport-opts.js';

/** Options of one lane: one peer, one channel. */
export interface OutboundLaneOpts {
  readonly peer: string;
  readonly channel: Channel;
  readonly maxMessageBytes: number;
  readonly limits: QueueLimits;
  readonly backoff: BackoffOpts;
}

/** What a lane needs from the host: open a fresh stream to its peer on its protocol. */
export interface OutboundLaneDeps {
  readonly openStream: (signal: AbortSignal) => Promise<Stream>;
  readonly log: P2pLogger;
  /** Told of every message dropped before it left (metrics). */
  readonly onDrop?: (reason: DropReason, count: number) => void;
}

// PERF: coalescing small frames into one stream.send cuts per-write muxer and cipher overhead
// (docs/measurements.md: 4 KiB messages 146 MB/s one by one, 326 MB/s 64 at a time). Messages of
// BIG_MESSAGE_BYTES or more are sent as they are, without a copy.
const COALESCE_BYTES = 256 * 1024;
const BIG_MESSAGE_BYTES = 64 * 1024;
/** A stream that dies sooner than this after opening counts as a failed attempt (no hot loop). */
const MIN_HEALTHY_STREAM_MS = 1000;

/**
 * The sending half of one long-lived stream per (peer, channel). send() only enqueues into a
 * bounded queue; a pump moves frames into the libp2p stream while it does not need draining,
 * so the libp2p write buffer holds at most one coalesced chunk (libp2p aborts, rather than
 * slows, a stream whose buffer grows past its limit: docs/measurements.md). When the stream dies the
 * lane opens a new one, after a capped back-off if attempts keep failing. One stream at a
 * time, fed from one FIFO, keeps messages to the peer in order; whatever the dead stream had
 * not delivered is lost, which the Transport contract allows.
 */
export class OutboundLane {
  private readonly queue: OutboundQueue;
  private stream: Stream | null = null;
  private streamOpenedAt = 0;
  private opening: Promise<void> | null = null;
  private abort: AbortController | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private pumpScheduled = false;
  private awaitingDrain = false;
  private active = false;
  private stopped = false;
  private onIdle: (() => void) | null = null;
  /** Messages handed to the stream. */
  sentMessages = 0;
  /** Messages refused because they exceed the channel's maximum size. */
  oversize = 0;

  constructor(
    private readonly opts: OutboundLaneOpts,
    private readonly deps: OutboundLaneDeps,
  ) {
    this.queue = new OutboundQueue(opts.limits);
  }

  /** Messages dropped because the queue was full. */
  get dropped(): number {
    return this.queue.dropped;
  }

  /** Messages waiting to be handed to a stream. */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * Never blocks and never throws; the message may be dropped (and counted). A message over
   * the channel's limit is this node's own bug (peers would drop the connection on it), never
   * the peer's: it is logged at warn, the first time and every 100th after, and counted
   * (TransportStats.droppedOversize).
   */
  enqueue(message: Uint8Array): void {
    if (this.stopped) return;
    if (message.length > this.opts.maxMessageBytes) {
      this.oversize++;
      this.deps.onDrop?.('oversize', 1);
      if (this.oversize % 100 === 1) {
        this.deps.log.warn(
          { code: 'P2P_MESSAGE_OVERSIZE', peer: this.opts.peer, channel: this.opts.channel, bytes: message.length, limit: this.opts.maxMessageBytes, count: this.oversize },
          'Outbound message over the channel limit dropped',
        );
      }
      return;
    }
    const droppedBefore = this.queue.dropped;
    this.queue.push(message);
    if (this.queue.dropped !== droppedBefore) this.deps.onDrop?.('queue_full', this.queue.dropped - droppedBefore);
    this.schedulePump();
  }

  /** Lets the lane open streams; messages queued before start are sent now. */
  start(): void {
    this.active = true;
    this.schedulePump();
  }

  /** The peer just connected: skip any pending back-off and retry now. */
  wake(): void {
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    this.schedulePump();
  }

  /**
   * Sends what is already queued (for at most `timeoutMs`), closes the stream gracefully so
   * the bytes reach the peer, then stops. For a peer leaving the member list: the last
   * messages it is owed (the certificate that ends its epoch) still go out.
   */
  async finish(timeoutMs: number): Promise<void> {
    if (this.stopped) return;
    const signal = AbortSignal.timeout(timeoutMs);
    if (this.queue.length > 0) {
      await new Promise<void>((resolve) => {
        this.onIdle = resolve;
        signal.addEventListener('abort', () => resolve(), { once: true });
        this.schedulePump();
      });
      this.onIdle = null;
    }
    const stream = this.stream;
    if (stream !== null && !signal.aborted) await stream.close({ signal }).catch(() => undefined);
    await this.stop();
  }

  /** Drops the queue, aborts the stream and any dial; resolves once the dial has settled. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.clear();
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.abort?.abort();
    this.stream?.abort(new Error('transport stopped'));
    this.stream = null;
    await this.opening;
  }

  private schedulePump(): void {
    if (this.pumpScheduled || !this.active || this.stopped) return;
    this.pumpScheduled = true;
    // A microtask, not a direct call, so a burst of send()s in one tick is coalesced.
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.stopped || this.queue.length === 0) return;
    const stream = this.stream;
    if (stream === null) {
      this.open();
      return;
    }
    while (this.queue.length > 0) {
      if (stream.writableNeedsDrain) {
        this.waitForDrain(stream);
        return;
      }
      const [parts, count] = this.takeChunk();
      try {
        for (const part of parts) stream.send(part);
      } catch (err) {
        // The stream closed under us (remote reset, connection gone): the chunk is lost.
        this.deps.log.debug({ peer: this.opts.peer, channel: this.opts.channel, err }, 'Stream write failed');
        this.handleStreamGone(stream);
        return;
      }
      this.sentMessages += count;
    }
    this.onIdle?.();
  }

  /** The next frames to write: one big message (prefix, body) or many small ones in one buffer. */
  private takeChunk(): [Uint8Array[], number] {
    const first = this.queue.shift() as Uint8Array;
    if (first.length >= BIG_MESSAGE_BYTES) return [[encodeFramePrefix(first.length), first], 1];
    let total = framePrefixLength(first.length) + first.length;
    let count = 1;
    for (;;) {
      const next = this.queue.at(count - 1);
      if (next === undefined || next.length >= BIG_MESSAGE_BYTES) break;
      const size = framePrefixLength(next.length) + next.length;
      if (total + size > COALESCE_BYTES) break;
      total += size;
      count++;
    }
    const out = new Uint8Array(total);
    let offset = writeFramePrefix(out, 0, first.length);
    out.set(first, offset);
    offset += first.length;
    for (let i = 1; i < count; i++) {
      const m = this.queue.shift() as Uint8Array;
      offset = writeFramePrefix(out, offset, m.length);
      out.set(m, offset);
      offset += m.length;
    }
    return [[out], count];
  }

  private waitForDrain(stream: Stream): void {
    if (this.awaitingDrain) return;
    this.awaitingDrain = true;
    stream.addEventListener('drain', () => {
      this.awaitingDrain = false;
      if (this.stream === stream) this.schedulePump();
    }, { once: true });
  }

  private open(): void {
    if (this.opening !== null || this.retryTimer !== null || this.stopped) return;
    const abort = new AbortController();
    this.abort = abort;
    this.opening = this.deps.openStream(abort.signal).then(
      (stream) => {
        this.opening = null;
        this.abort = null;
        if (this.stopped) {
          stream.abort(new Error('transport stopped'));
          return;
        }
        this.stream = stream;
        this.streamOpenedAt = Date.now();
        this.awaitingDrain = false;
        stream.addEventListener('close', () => this.handleStreamGone(stream), { once: true });
        this.pump();
      },
      (err: unknown) => {
        this.opening = null;
        this.abort = null;
        if (this.stopped) return;
        this.deps.log.debug({ peer: this.opts.peer, channel: this.opts.channel, err }, 'Stream open failed');
        this.retryLater();
      },
    );
  }

  private handleStreamGone(stream: Stream): void {
    if (this.stream !== stream) return;
    this.stream = null;
    this.awaitingDrain = false;
    if (stream.status === 'open') stream.abort(new Error('stream write failed'));
    if (this.stopped) return;
    if (Date.now() - this.streamOpenedAt < MIN_HEALTHY_STREAM_MS) this.retryLater();
    else {
      this.failures = 0;
      this.schedulePump();
    }
  }

  private retryLater(): void {
    this.failures++;
    const delayMs = backoffDelayMs(this.failures, this.opts.backoff);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.pump();
    }, delayMs);
  }
}
