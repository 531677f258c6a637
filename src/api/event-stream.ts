import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { Height } from '../types/primitives.js';
import type { ApiDeps } from './deps.js';
import { blockEventToJson } from './json.js';
import type { BlockEventJson } from './schemas/events.js';

/**
 * What a subscriber may see of a block event (scope.ts), decided per block so that a rotation
 * or role change applies from the block that commits it; null ends the stream. None = all.
 */
export type EventScope = (ev: BlockEventJson) => BlockEventJson | null;

interface Frame {
  readonly ev: BlockEventJson;
  /** The whole event, encoded once for every full-scope subscriber. */
  readonly text: string;
}

function render(height: Height, ev: BlockEventJson): string {
  return `id: ${height}\nevent: block\ndata: ${JSON.stringify(ev)}\n\n`;
}

/** Tuning of the server-sent events feed. */
export interface EventStreamOptions {
  /** Concurrent streams; one more is refused with 429 TOO_MANY_SUBSCRIBERS. */
  readonly maxSubscribers: number;
  /** Comment line sent to idle streams so proxies keep them open; 0 disables. */
  readonly heartbeatMs: number;
  /** A client whose socket takes nothing for this long is disconnected. */
  readonly stallTimeoutMs: number;
  /** Encoded block frames kept for subscribers reading the same heights. */
  readonly cachedBlocks: number;
}

/** Defaults of EventStreamOptions. */
export const EVENT_STREAM_DEFAULTS: EventStreamOptions = {
  maxSubscribers: 256,
  heartbeatMs: 15_000,
  stallTimeoutMs: 30_000,
  cachedBlocks: 64,
};

interface Subscriber {
  readonly res: ServerResponse;
  /** The next height to send. */
  next: Height;
  pumping: boolean;
  closed: boolean;
  readonly scope: EventScope | undefined;
}

/**
 * The GET /v1/events feed. Every subscriber is a cursor over committed heights, served from
 * the block store (through a small shared cache of encoded frames), never from a per-client
 * queue: a commit notification only wakes the cursors. Replay and live are the same loop, so a
 * reconnect from any height misses nothing, and a slow client costs one frame in flight plus
 * its socket buffer however far behind it falls (it simply reads older heights from storage);
 * a client that accepts nothing for stallTimeoutMs is cut off.
 */
export class BlockEventStream {
  private readonly opts: EventStreamOptions;
  private readonly deps: Pick<ApiDeps, 'getBlock' | 'status' | 'onBlockCommitted'>;
  private readonly log: FastifyBaseLogger;
  private readonly subs = new Set<Subscriber>();
  private readonly frames = new Map<Height, Promise<Frame | null>>();
  private unsubscribe: (() => void) | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(opts: EventStreamOptions, deps: Pick<ApiDeps, 'getBlock' | 'status' | 'onBlockCommitted'>, log: FastifyBaseLogger) {
    this.opts = opts;
    this.deps = deps;
    this.log = log;
  }

  /** Open streams. */
  get size(): number {
    return this.subs.size;
  }

  /** True when one more stream may be opened. */
  hasRoom(): boolean {
    return this.subs.size < this.opts.maxSubscribers;
  }

  /** Streams committed blocks from `fromHeight` to `res` until the client or the server closes. */
  attach(res: ServerResponse, fromHeight: Height, scope?: EventScope): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // The socket is not reused after a stream: ending one (server shutdown) closes it, so
      // close() never waits for a client's keep-alive timeout.
      connection: 'close',
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    res.write(`retry: 2000\n: from height ${fromHeight}\n\n`);
    const sub: Subscriber = { res, next: fromHeight, pumping: false, closed: false, scope };
    this.subs.add(sub);
    res.once('close', () => this.detach(sub));
    this.ensureRunning();
    void this.pump(sub);
  }

  /** Ends every stream and stops listening for commits (server shutdown). */
  close(): void {
    for (const sub of this.subs) sub.res.end();
    this.subs.clear();
    this.stop();
  }

  private detach(sub: Subscriber): void {
    sub.closed = true;
    this.subs.delete(sub);
    if (this.subs.size === 0) this.stop();
  }

  private ensureRunning(): void {
    if (this.unsubscribe === null) {
      this.unsubscribe = this.deps.onBlockCommitted(() => {
        for (const sub of this.subs) void this.pump(sub);
      });
    }
    if (this.heartbeat === null && this.opts.heartbeatMs > 0) {
      this.heartbeat = setInterval(() => {
        for (const sub of this.subs) if (!sub.res.writableNeedDrain) sub.res.write(': ping\n\n');
      }, this.opts.heartbeatMs);
      this.heartbeat.unref();
    }
  }

  private stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  // One loop per subscriber at a time. A commit notification arriving while the loop awaits is
  // not lost: the loop re-reads the head before each block, and its last check and the reset
  // of `pumping` run synchronously, so no notification can fall between them.
  private async pump(sub: Subscriber): Promise<void> {
    if (sub.pumping || sub.closed) return;
    sub.pumping = true;
    try {
      while (!sub.closed && sub.next <= this.deps.status().height) {
        const frame = await this.frame(sub.next);
        if (frame === null || sub.closed) break;
        const ev = sub.scope === undefined ? frame.ev : sub.scope(frame.ev);
        if (ev === null) {
          sub.res.end();
          break;
        }
        const text = ev === frame.ev ? frame.text : render(sub.next, ev);
        sub.next++;
        if (!sub.res.write(text)) await this.drained(sub);
      }
    } catch (err) {
      this.log.error({ err, height: sub.next }, 'Event stream failed');
      sub.res.destroy();
    } finally {
      sub.pumping = false;
    }
  }

  private drained(sub: Subscriber): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        sub.res.off('drain', done);
        sub.res.off('close', done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.log.debug({ height: sub.next }, 'Event stream stalled; disconnecting');
        sub.res.destroy();
        done();
      }, this.opts.stallTimeoutMs);
      sub.res.once('drain', done);
      sub.res.once('close', done);
    });
  }

  // PERF: subscribers usually read the same heights at about the same time, so each block is
  // loaded and encoded once; concurrent readers share the pending promise.
  private frame(height: Height): Promise<Frame | null> {
    let f = this.frames.get(height);
    if (f === undefined) {
      f = this.deps.getBlock(height).then((rec) => {
        if (rec === null) {
          this.frames.delete(height);
          return null;
        }
        const ev = blockEventToJson(rec);
        return { ev, text: render(height, ev) };
      });
      f.catch(() => this.frames.delete(height));
      this.frames.set(height, f);
      if (this.frames.size > this.opts.cachedBlocks) {
        const oldest = this.frames.keys().next();
        if (oldest.done !== true) this.frames.delete(oldest.value);
      }
    }
    return f;
  }
}
