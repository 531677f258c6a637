import { Level } from 'level';
import type { KeyRange, KvOp, KvStore } from '../types/edges.js';
import { asView, checkKvOps } from './check-kv-ops.js';
import { StorageError, storageStopped } from './errors.js';

/** Options of LevelKv. */
export interface LevelKvOpts {
  /** The LevelDB directory; created if missing. */
  readonly path: string;
  /**
   * LevelDB memtable size (bytes) before it is flushed to a level-0 file. Default 32 MiB
   * (LevelDB's is 4 MiB): a 1,000-tx block writes ~0.8 MB, so the default would flush every
   * ~5 blocks and pile up level-0 files, which LevelDB throttles writes on. Costs up to twice
   * this in RAM. bench/storage.bench.ts --write-buffer-mb compares settings.
   */
  readonly writeBufferSize?: number;
}

/** Default LevelKvOpts.writeBufferSize. */
export const DEFAULT_WRITE_BUFFER_BYTES = 32 * 1024 * 1024;

type Db = Level<Uint8Array, Uint8Array>;

/** Entries fetched per native call while iterating. PERF: one crossing per 256 entries, not per entry. */
const ITERATE_CHUNK = 256;

/**
 * KvStore on LevelDB (`level` 10 → classic-level), keys and values as Uint8Array ('view'
 * encodings), byte-wise key order (LevelDB's default comparator). `batch` is LevelDB's atomic
 * WriteBatch; with `sync` it fsyncs before resolving. LevelDB failures become StorageError
 * with an action for the operator; stop() waits for in-flight batches.
 */
export class LevelKv implements KvStore {
  private readonly path: string;
  private readonly writeBufferSize: number;
  private db: Db | null = null;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(opts: LevelKvOpts) {
    this.path = opts.path;
    this.writeBufferSize = opts.writeBufferSize ?? DEFAULT_WRITE_BUFFER_BYTES;
  }

  /** Opens (creating if needed) the database; idempotent. */
  async start(): Promise<void> {
    if (this.db !== null) return;
    const db: Db = new Level<Uint8Array, Uint8Array>(this.path, {
      keyEncoding: 'view',
      valueEncoding: 'view',
      createIfMissing: true,
      writeBufferSize: this.writeBufferSize,
    });
    try {
      await db.open();
    } catch (e) {
      throw openError(this.path, e);
    }
    this.db = db;
  }

  /** Waits for in-flight batches, then closes; open iterations end with STORAGE_STOPPED. */
  async stop(): Promise<void> {
    const db = this.db;
    if (db === null) return;
    this.db = null;
    await Promise.allSettled([...this.inFlight]);
    await db.close();
  }

  /** The value at `key`, or undefined. */
  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    const db = this.requireOpen();
    try {
      const v = await db.get(key);
      return v === undefined ? undefined : asView(v);
    } catch (e) {
      throw this.readError(e);
    }
  }

  /** Values at `keys`, in order (one native call). */
  async getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    const db = this.requireOpen();
    try {
      const vs = await db.getMany([...keys]);
      return vs.map((v) => (v === undefined ? undefined : asView(v)));
    } catch (e) {
      throw this.readError(e);
    }
  }

  /** One atomic LevelDB write batch; with `sync`, resolves only after fsync. */
  async batch(ops: readonly KvOp[], opts: { sync: boolean }): Promise<void> {
    const db = this.requireOpen();
    checkKvOps(ops);
    // PERF: the chained form, not db.batch(array). abstract-level 3's array path clones and
    // re-encodes every op in JS (~9 µs/op here); the chained form copies each op straight into
    // the native WriteBatch: a 6,000-op block took 54 ms vs 9 ms (sync, 2-core VM). Both commit
    // as one atomic LevelDB WriteBatch, and write({sync}) fsyncs (checked with strace).
    const chained = db.batch();
    for (const op of ops) {
      if (op.value === null) chained.del(op.key);
      else chained.put(op.key, op.value);
    }
    const p = chained.write({ sync: opts.sync });
    this.inFlight.add(p);
    try {
      await p;
    } catch (e) {
      if (this.db === null) throw storageStopped(this.path);
      throw new StorageError(
        'STORAGE_WRITE_FAILED',
        `writing to ${this.path} failed; check free disk space and file system health, then restart the node`,
        { path: this.path, cause: describe(e) },
      );
    } finally {
      this.inFlight.delete(p);
    }
  }

  /** Entries in `range`, read from the snapshot LevelDB takes when the walk begins. */
  async *iterate(range: KeyRange): AsyncIterable<[Uint8Array, Uint8Array]> {
    const db = this.requireOpen();
    const it = db.iterator({
      ...(range.gte !== undefined ? { gte: range.gte } : {}),
      ...(range.lt !== undefined ? { lt: range.lt } : {}),
      reverse: range.reverse === true,
      limit: range.limit === undefined || range.limit < 0 ? Infinity : range.limit,
    });
    try {
      for (;;) {
        let chunk: [Uint8Array, Uint8Array][];
        try {
          chunk = await it.nextv(ITERATE_CHUNK);
        } catch (e) {
          throw this.readError(e);
        }
        if (chunk.length === 0) return;
        for (const [k, v] of chunk) yield [asView(k), asView(v)];
      }
    } finally {
      // Closing after db.close() already closed it is a no-op; never mask the loop's own error.
      await it.close().catch(() => undefined);
    }
  }

  private requireOpen(): Db {
    if (this.db === null) throw storageStopped(this.path);
    return this.db;
  }

  private readError(e: unknown): StorageError {
    const code = levelCode(e);
    if (this.db === null || code === 'LEVEL_DATABASE_NOT_OPEN' || code === 'LEVEL_ITERATOR_NOT_OPEN') {
      return storageStopped(this.path);
    }
    return new StorageError(
      'STORAGE_READ_FAILED',
      `reading ${this.path} failed; check the disk, then restart the node (restore from backup if it persists)`,
      { path: this.path, cause: describe(e) },
    );
  }
}

function openError(path: string, e: unknown): StorageError {
  const cause = e instanceof Error ? (e as Error & { cause?: unknown }).cause : undefined;
  const code = levelCode(cause) ?? levelCode(e);
  if (code === 'LEVEL_LOCKED') {
    return new StorageError('STORAGE_LOCKED', `another ledger process is using ${path}; stop it first`, { path });
  }
  if (code === 'LEVEL_CORRUPTION') {
    return new StorageError(
      'STORAGE_CORRUPT',
      `${path} is a damaged LevelDB; restore it from backup or resync into an empty directory`,
      { path, cause: describe(cause ?? e) },
    );
  }
  return new StorageError(
    'STORAGE_OPEN_FAILED',
    `cannot open ${path} as a LevelDB data directory; check that it is a ledger data directory (or empty) and writable`,
    { path, cause: describe(cause ?? e) },
  );
}

function levelCode(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
