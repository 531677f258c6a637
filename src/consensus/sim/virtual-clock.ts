import type { Cancel, Clock } from '../../types/edges.js';

interface Entry {
  readonly at: number;
  readonly seq: number;
  readonly fire: () => void;
  cancelled: boolean;
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/**
 * Virtual time for the simulator: nothing happens between events, so `runNext` jumps straight
 * to the earliest timer or message delivery. Ties break by scheduling order, which makes a run
 * a pure function of its seed.
 */
export class VirtualClock implements Clock {
  private t = 0;
  private seq = 0;
  private readonly heap: Entry[] = [];

  /** Current virtual time in ms. */
  now(): number {
    return this.t;
  }

  /** Fires `fire` after `delayMs` of virtual time. */
  setTimer(delayMs: number, fire: () => void): Cancel {
    return this.schedule(this.t + Math.max(0, delayMs), fire);
  }

  /** Fires `fire` at virtual time `at` (not before now). */
  schedule(at: number, fire: () => void): Cancel {
    const e: Entry = { at: Math.max(at, this.t), seq: this.seq++, fire, cancelled: false };
    this.push(e);
    return () => {
      e.cancelled = true;
    };
  }

  /** Runs the earliest pending callback; false when nothing is pending. */
  runNext(): boolean {
    for (;;) {
      const e = this.pop();
      if (e === undefined) return false;
      if (e.cancelled) continue;
      this.t = e.at;
      e.fire();
      return true;
    }
  }

  /** Number of scheduled entries (including cancelled ones not yet reached). */
  get pending(): number {
    return this.heap.length;
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i] as Entry, h[p] as Entry)) break;
      [h[i], h[p]] = [h[p] as Entry, h[i] as Entry];
      i = p;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || last === undefined) return top;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l] as Entry, h[m] as Entry)) m = l;
      if (r < h.length && before(h[r] as Entry, h[m] as Entry)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m] as Entry, h[i] as Entry];
      i = m;
    }
    return top;
  }
}

/**
 * One process's view of a VirtualClock: `kill` cancels every timer it set, which is what a
 * crash does to a real process's timers; its wall clock may be skewed (block timestamps, R5).
 */
export class ScopedClock implements Clock {
  private readonly base: Clock;
  private readonly skewMs: number;
  private readonly timers = new Set<Cancel>();
  private dead = false;

  /** `skewMs`: how far this process's wall clock is off (timers still run at the shared pace). */
  constructor(base: Clock, skewMs = 0) {
    this.base = base;
    this.skewMs = skewMs;
  }

  /** Current time of the shared clock, off by this process's skew. */
  now(): number {
    return this.base.now() + this.skewMs;
  }

  /** A timer that dies with this scope. */
  setTimer(delayMs: number, fire: () => void): Cancel {
    if (this.dead) return () => undefined;
    const cancel = this.base.setTimer(delayMs, () => {
      this.timers.delete(cancel);
      if (!this.dead) fire();
    });
    this.timers.add(cancel);
    return () => {
      this.timers.delete(cancel);
      cancel();
    };
  }

  /** Cancels every timer and refuses new ones. */
  kill(): void {
    this.dead = true;
    for (const c of this.timers) c();
    this.timers.clear();
  }
}
