import type { KeyRange, KvOp, KvStore } from '../types/edges.js';
import { fromHex, toHex } from '../util/bytes.js';
import { checkKvOps } from './check-kv-ops.js';
import { storageStopped } from './errors.js';

/** Options of MemoryKv. */
export interface MemoryKvOpts {
  /** Name used in error messages, like a LevelKv path. */
  readonly label?: string;
}

/**
 * In-memory KvStore for unit tests and the simulator; passes the same compliance suite as
 * LevelKv. Data survives stop()/start() on the same instance (it models the disk), batches
 * are all-or-nothing, and iteration reads a snapshot taken when it begins, as LevelDB does.
 *
 * Keys are held as lower-case hex strings: hex order equals byte-wise order (each byte maps to
 * two characters from an ordered alphabet, and a shorter prefix sorts first).
 */
export class MemoryKv implements KvStore {
  private readonly label: string;
  private readonly entries = new Map<string, Uint8Array>();
  /** Sorted keys, rebuilt lazily after an insert of a new key. Never mutated once built. */
  private sorted: string[] | null = [];
  private open = false;
  /** Bumped on every stop so that iterations begun before it end with STORAGE_STOPPED. */
  private epoch = 0;

  constructor(opts: MemoryKvOpts = {}) {
    this.label = opts.label ?? 'memory';
  }

  /** Opens the store; idempotent. */
  async start(): Promise<void> {
    this.open = true;
  }

  /** Closes the store; data is kept for a later start(). */
  async stop(): Promise<void> {
    this.open = false;
    this.epoch++;
  }

  /** The value at `key`, or undefined. */
  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    this.requireOpen();
    const v = this.entries.get(toHex(key));
    return v === undefined ? undefined : v.slice();
  }

  /** Values at `keys`, in order. */
  async getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    this.requireOpen();
    return keys.map((k) => this.entries.get(toHex(k))?.slice());
  }

  /** Applies every op or none (all ops are validated first). `sync` is meaningless in memory. */
  async batch(ops: readonly KvOp[], _opts: { sync: boolean }): Promise<void> {
    this.requireOpen();
    checkKvOps(ops);
    for (const op of ops) {
      const k = toHex(op.key);
      if (op.value === null) {
        // Deleting keeps `sorted` valid as a superset; iteration skips keys no longer present.
        this.entries.delete(k);
      } else {
        if (!this.entries.has(k)) this.sorted = null;
        this.entries.set(k, op.value.slice());
      }
    }
  }

  /** Entries in `range`, from a snapshot taken at the first step. */
  async *iterate(range: KeyRange): AsyncIterable<[Uint8Array, Uint8Array]> {
    this.requireOpen();
    const epoch = this.epoch;
    const snapshot = this.snapshot(range);
    for (const entry of snapshot) {
      // An await per entry keeps stop() able to interrupt a long walk, like a real iterator.
      await Promise.resolve();
      if (this.epoch !== epoch || !this.open) throw storageStopped(this.label);
      yield entry;
    }
  }

  private snapshot(range: KeyRange): [Uint8Array, Uint8Array][] {
    const keys = this.sortedKeys();
    const lo = range.gte === undefined ? 0 : lowerBound(keys, toHex(range.gte));
    const hi = range.lt === undefined ? keys.length : lowerBound(keys, toHex(range.lt));
    const limit = range.limit === undefined || range.limit < 0 ? Infinity : range.limit;
    const out: [Uint8Array, Uint8Array][] = [];
    const take = (k: string): boolean => {
      const v = this.entries.get(k);
      if (v === undefined) return true;
      out.push([fromHex(k) as Uint8Array, v.slice()]);
      return out.length < limit;
    };
    if (limit === 0) return out;
    if (range.reverse === true) {
      for (let i = hi - 1; i >= lo; i--) if (!take(keys[i] as string)) break;
    } else {
      for (let i = lo; i < hi; i++) if (!take(keys[i] as string)) break;
    }
    return out;
  }

  private sortedKeys(): string[] {
    if (this.sorted === null) this.sorted = [...this.entries.keys()].sort();
    else if (this.sorted.length > this.entries.size * 2 + 64) this.sorted = [...this.entries.keys()].sort();
    return this.sorted;
  }

  private requireOpen(): void {
    if (!this.open) throw storageStopped(this.label);
  }
}

/** First index whose key is >= `k`. JS string < on hex strings is byte-wise order. */
function lowerBound(keys: readonly string[], k: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
