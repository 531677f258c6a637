import type { QueueLimits } from './channels.js';

/**
 * A bounded FIFO of outbound messages. When a push would pass either bound, the OLDEST
 * messages are dropped (and counted): consensus recovers from loss, and the newest message
 * (current view's vote, latest batch) is the one worth delivering. Order is kept, so the
 * receiver sees a subsequence of what was sent: "in order or not at all".
 */
export class OutboundQueue {
  private items: Uint8Array[] = [];
  private head = 0;
  private queuedBytes = 0;
  /** Messages dropped because the queue was full or the message alone exceeded maxBytes. */
  dropped = 0;

  constructor(private readonly limits: QueueLimits) {}

  /** Messages waiting. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Payload bytes waiting. */
  get bytes(): number {
    return this.queuedBytes;
  }

  /** Appends; returns false (and counts a drop) when the message alone exceeds the byte bound. */
  push(message: Uint8Array): boolean {
    if (message.length > this.limits.maxBytes) {
      this.dropped++;
      return false;
    }
    while (this.length > 0 && (this.length >= this.limits.maxMessages || this.queuedBytes + message.length > this.limits.maxBytes)) {
      this.shift();
      this.dropped++;
    }
    this.items.push(message);
    this.queuedBytes += message.length;
    return true;
  }

  /** The oldest message, without removing it. */
  peek(): Uint8Array | undefined {
    return this.at(0);
  }

  /** The message `i` places after the oldest (0 = oldest), without removing it. */
  at(i: number): Uint8Array | undefined {
    return this.items[this.head + i];
  }

  /** Removes and returns the oldest message. */
  shift(): Uint8Array | undefined {
    const m = this.items[this.head];
    if (m === undefined) return undefined;
    this.items[this.head] = EMPTY;
    this.head++;
    this.queuedBytes -= m.length;
    // PERF: compact lazily so shift stays O(1) amortised without Array.prototype.shift's copy.
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return m;
  }

  /** Drops everything without counting it (shutdown or membership removal). */
  clear(): void {
    this.items = [];
    this.head = 0;
    this.queuedBytes = 0;
  }
}

const EMPTY = new Uint8Array(0);
