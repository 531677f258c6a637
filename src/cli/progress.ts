/** Options of AuditProgress. */
export interface ProgressOpts {
  /** Where a line goes (stderr). */
  readonly write: (line: string) => void;
  /** On a terminal a line every `ttyIntervalMs`; elsewhere (logs, CI) every `plainIntervalMs`. */
  readonly tty: boolean;
  readonly now?: () => number;
  readonly ttyIntervalMs?: number;
  readonly plainIntervalMs?: number;
}

/**
 * Progress of a long verification: height, blocks per second since the start and, when the
 * target height is known, the ETA. Lines are rate-limited by the clock, not by block count, so
 * a slow source still shows life and a fast one does not flood the terminal.
 */
export class AuditProgress {
  readonly #opts: ProgressOpts;
  readonly #now: () => number;
  readonly #startMs: number;
  readonly #startHeight: number;
  #lastMs: number;
  #target: number | null = null;

  constructor(startHeight: number, opts: ProgressOpts) {
    this.#opts = opts;
    this.#now = opts.now ?? (() => Date.now());
    this.#startMs = this.#now();
    this.#lastMs = this.#startMs;
    this.#startHeight = startHeight;
  }

  /** The height the audit will end at, when known (a data directory's head, a node's status). */
  target(height: number | null): void {
    this.#target = height;
  }

  /** Reports the last verified height; prints a line when the interval has passed. */
  update(height: number): void {
    const t = this.#now();
    const every = this.#opts.tty ? (this.#opts.ttyIntervalMs ?? 1000) : (this.#opts.plainIntervalMs ?? 10_000);
    if (t - this.#lastMs < every) return;
    this.#lastMs = t;
    this.#opts.write(this.line(height, t));
  }

  /** The progress line at `height` and time `t`. */
  line(height: number, t = this.#now()): string {
    const done = height - this.#startHeight;
    const rate = done / Math.max((t - this.#startMs) / 1000, 0.001);
    const target = this.#target;
    const of = target === null ? '' : `/${target}`;
    const eta = target === null || rate <= 0 ? '' : `, ETA ${formatSeconds(Math.max(target - height, 0) / rate)}`;
    return `audit: height ${height}${of}, ${done} blocks verified, ${rate.toFixed(0)} blocks/s${eta}`;
  }
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${Math.ceil(s - m * 60)}s` : `${Math.floor(m / 60)}h${m % 60}m`;
}
