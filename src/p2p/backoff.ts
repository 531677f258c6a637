/** Capped exponential back-off between reconnection attempts. */
export interface BackoffOpts {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Delay before attempt number `failures + 1`: base·2^(failures-1), capped (never uncapped, Besu). */
export function backoffDelayMs(failures: number, opts: BackoffOpts): number {
  if (failures <= 0) return 0;
  return Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(failures - 1, 30));
}
