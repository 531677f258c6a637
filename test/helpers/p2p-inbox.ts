import type { Channel, Transport } from '../../src/types/edges.js';
import type { MemberIndex } from '../../src/types/primitives.js';

/** One received message. */
export interface Received {
  readonly from: MemberIndex;
  readonly channel: Channel;
  readonly bytes: Uint8Array;
}

interface Waiter {
  readonly matches: (all: readonly Received[]) => boolean;
  readonly resolve: () => void;
}

/**
 * Records what a transport's handler receives and lets a test await a condition on it: an
 * event-driven wait (resolved from onMessage), never a sleep. Tests bound the wait with the
 * test timeout.
 */
export class Inbox {
  readonly messages: Received[] = [];
  private waiters: Waiter[] = [];

  constructor(transport: Transport) {
    transport.onMessage((from, channel, bytes) => {
      this.messages.push({ from, channel, bytes });
      this.waiters = this.waiters.filter((w) => {
        if (!w.matches(this.messages)) return true;
        w.resolve();
        return false;
      });
    });
  }

  /** Resolves once `matches` holds over everything received so far. */
  until(matches: (all: readonly Received[]) => boolean): Promise<void> {
    if (matches(this.messages)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ matches, resolve }));
  }

  /** Resolves with the first message (already received or future) that satisfies `pred`. */
  async first(pred: (m: Received) => boolean): Promise<Received> {
    await this.until((all) => all.some(pred));
    return this.messages.find(pred) as Received;
  }

  /** Resolves once `count` messages satisfying `pred` have arrived. */
  async count(pred: (m: Received) => boolean, count: number): Promise<void> {
    let seen = 0;
    let scanned = 0;
    await this.until((all) => {
      for (; scanned < all.length; scanned++) if (pred(all[scanned] as Received)) seen++;
      return seen >= count;
    });
  }
}

/**
 * Polls `predicate` every `intervalMs` until it holds (docs/conventions.md waitFor). For state
 * without an event, such as connectedPeers(); rejects with `what` after timeoutMs.
 */
export function waitFor(predicate: () => boolean, what: string, timeoutMs = 20_000, intervalMs = 10): Promise<void> {
  if (predicate()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const timer = setInterval(() => {
      if (predicate()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() > deadline) {
        clearInterval(timer);
        reject(new Error(`timed out waiting for ${what}`));
      }
    }, intervalMs);
  });
}

/**
 * Calls `send` now and every `intervalMs` until `delivered` settles: a lossy transport (or
 * one still reconnecting) may drop the first copies; the receiver's event ends the loop.
 */
export async function resendUntil(send: () => void, delivered: Promise<unknown>, intervalMs = 50): Promise<void> {
  send();
  const timer = setInterval(send, intervalMs);
  try {
    await delivered;
  } finally {
    clearInterval(timer);
  }
}
