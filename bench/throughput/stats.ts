/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

/** What the load process reports. */
export interface LoadReport {
  readonly t0: number;
  readonly sendEnd: number;
  readonly sent: number;
  readonly accepted: number;
  readonly refused: number;
  readonly failed: number;
  readonly refusedCodes: Record<string, number>;
  /** [sentAt, committedAt] per committed transaction, ms on the load process's clock. */
  readonly commits: readonly (readonly [number, number])[];
  /** CPU time the load process used while sending and draining (it shares the machine's cores with the members). */
  readonly cpuUs?: number;
}

/** Steady-state figures of one load level. */
export interface LevelResult {
  readonly offeredTps: number;
  readonly tps: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly sent: number;
  readonly committed: number;
  readonly refused: number;
}

/**
 * Throughput over the steady window [t0 + warmup, end of sending] (commits landing in it per
 * second) and commit latency (submit → seen committed on the event stream) of the
 * transactions sent in it.
 */
export function summarise(r: LoadReport, offeredTps: number, warmupMs: number): LevelResult {
  const from = r.t0 + warmupMs;
  const to = r.sendEnd;
  const windowS = Math.max(0.001, (to - from) / 1000);
  let inWindow = 0;
  const lat: number[] = [];
  for (const [sent, committed] of r.commits) {
    if (committed >= from && committed <= to) inWindow++;
    if (sent >= from && sent <= to) lat.push(committed - sent);
  }
  lat.sort((a, b) => a - b);
  const round = (x: number): number => Math.round(x * 10) / 10;
  return {
    offeredTps, tps: Math.round(inWindow / windowS), p50Ms: round(percentile(lat, 50)), p95Ms: round(percentile(lat, 95)),
    p99Ms: round(percentile(lat, 99)), sent: r.sent, committed: r.commits.length, refused: r.refused,
  };
}
