/** Per-peer bounds on requests that cost the serving node reads and upload bandwidth. */
export interface PeerLimits {
  /** Sustained requests per second. */
  readonly ratePerSec: number;
  /** Requests allowed in one burst (token bucket size). */
  readonly burst: number;
  /** Requests being served at once. */
  readonly maxInFlight: number;
}

interface Bucket {
  tokens: number;
  atMs: number;
  inFlight: number;
}

/**
 * A token bucket and a concurrency bound per peer: what one peer asks for can never take more
 * than its share of the node's work, whatever the others do. Over its bounds a request is
 * refused (the caller drops it: peers retry elsewhere, docs/protocol.md R17, R18). State is
 * one small record per peer index, and peers are members (the transport admits no others).
 */
export class PeerLimiter {
  private readonly buckets = new Map<number, Bucket>();
  /** Requests refused since start. */
  refused = 0;

  constructor(
    private readonly limits: PeerLimits,
    private readonly now: () => number,
  ) {}

  /** Takes a token and a slot for `peer`; false (counted) when it is over its rate or concurrency. */
  tryAcquire(peer: number): boolean {
    const now = this.now();
    let b = this.buckets.get(peer);
    if (b === undefined) {
      b = { tokens: this.limits.burst, atMs: now, inFlight: 0 };
      this.buckets.set(peer, b);
    }
    b.tokens = Math.min(this.limits.burst, b.tokens + ((now - b.atMs) * this.limits.ratePerSec) / 1000);
    b.atMs = now;
    if (b.tokens < 1 || b.inFlight >= this.limits.maxInFlight) {
      this.refused++;
      return false;
    }
    b.tokens -= 1;
    b.inFlight++;
    return true;
  }

  /** Frees the slot a granted request held. */
  release(peer: number): void {
    const b = this.buckets.get(peer);
    if (b !== undefined && b.inFlight > 0) b.inFlight--;
  }
}
