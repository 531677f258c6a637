// What the nemesis knows of the cluster while it runs: every member's committed height, polled
// over REST (the only window a separate host offers), and each member's peak RSS.
import type { ChaosCluster } from './cluster.js';

const POLL_MS = 250;

export class ClusterMonitor {
  /** Last height each member reported; -1 before any answer. */
  readonly heights: number[];
  /** Whether each member's last /v1/status said ready (started, caught up, not halted). */
  readonly ready: boolean[];
  readonly rssMaxMb: number[];
  /** (ms since t0, highest height any member reported) whenever that maximum rose. */
  readonly maxHeightSeries: [number, number][] = [];
  private timer: NodeJS.Timeout | null = null;
  private rssTimer: NodeJS.Timeout | null = null;
  private waiters: (() => void)[] = [];

  constructor(private readonly cluster: ChaosCluster, private readonly t0: number) {
    this.heights = cluster.members.map(() => -1);
    this.ready = cluster.members.map(() => false);
    this.rssMaxMb = cluster.members.map(() => 0);
  }

  start(): void {
    const poll = async (): Promise<void> => {
      await Promise.all(this.cluster.members.map(async (m, i) => {
        if (!this.cluster.running(i)) return;
        try {
          const r = await fetch(`${m.api}/v1/status`, { signal: AbortSignal.timeout(POLL_MS * 2) });
          if (!r.ok) return;
          const body = (await r.json()) as { height: number; ready?: boolean };
          this.heights[i] = body.height;
          this.ready[i] = body.ready === true;
        } catch {
          // Down, paused or cut off: its last height stands.
        }
      }));
      const top = this.maxHeight();
      const last = this.maxHeightSeries.at(-1);
      if (last === undefined || top > last[1]) this.maxHeightSeries.push([Date.now() - this.t0, top]);
      for (const w of this.waiters.splice(0)) w();
      if (this.timer !== null) this.timer = setTimeout(() => void poll(), POLL_MS);
    };
    this.timer = setTimeout(() => void poll(), 0);
    this.rssTimer = setInterval(() => {
      this.cluster.members.forEach((_, i) => {
        void this.cluster.rssMb(i).then((mb) => {
          if (mb !== null && mb > (this.rssMaxMb[i] as number)) this.rssMaxMb[i] = mb;
        });
      });
    }, 1_000);
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.rssTimer !== null) clearInterval(this.rssTimer);
    for (const w of this.waiters.splice(0)) w();
  }

  maxHeight(): number {
    return Math.max(0, ...this.heights);
  }

  /** Resolves with the ms it took until `pred` held after a poll, or null after timeoutMs. */
  async waitFor(pred: () => boolean, timeoutMs: number): Promise<number | null> {
    const start = Date.now();
    for (;;) {
      if (pred()) return Date.now() - start;
      if (Date.now() - start > timeoutMs || this.timer === null) return null;
      await new Promise<void>((res) => this.waiters.push(res));
    }
  }

  /** Ms until some member commits above `height`, or null. */
  commitAbove(height: number, timeoutMs: number): Promise<number | null> {
    return this.waitFor(() => this.maxHeight() > height, timeoutMs);
  }

  /** Ms until member i reports at least `height`, or null. */
  memberAt(i: number, height: number, timeoutMs: number): Promise<number | null> {
    return this.waitFor(() => (this.heights[i] as number) >= height, timeoutMs);
  }

  /** Forgets member i's height (it restarts: its next answer is news). */
  reset(i: number): void {
    this.heights[i] = -1;
    this.ready[i] = false;
  }
}
