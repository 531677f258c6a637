import { readdir, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';

/** What the sampler reports into (node/metrics.ts provides them). */
export interface StorageMetrics {
  readonly storageSize: { set(value: number): void };
  readonly storageAvailable: { set(value: number): void };
  readonly storageCapacity: { set(value: number): void };
}

/** Total size of the regular files under `dir` (LevelDB keeps a flat folder of tables and logs). */
export async function directorySizeBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await directorySizeBytes(p);
    else if (e.isFile()) total += (await stat(p).catch(() => null))?.size ?? 0;
  }
  return total;
}

/**
 * Samples the data directory's size and its file system's free space. Disk use changes with
 * compaction and with other tenants of the disk, not only with commits, so it is sampled on
 * a timer (and once at start) rather than on an event of the node.
 */
export class StorageSampler {
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly opts: { readonly dataDir: string; readonly intervalMs: number },
    private readonly deps: { readonly metrics: StorageMetrics; readonly onError: (err: unknown) => void },
  ) {}

  /** Samples now and then every intervalMs until stop(). */
  start(): Promise<void> {
    this.timer = setInterval(() => void this.sample(), this.opts.intervalMs);
    this.timer.unref();
    return this.sample();
  }

  /** One sample; concurrent calls share it. */
  sample(): Promise<void> {
    this.running ??= this.measure().catch(this.deps.onError).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Stops the timer and waits for a sample in flight. */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private async measure(): Promise<void> {
    const { metrics } = this.deps;
    metrics.storageSize.set(await directorySizeBytes(this.opts.dataDir));
    const fs = await statfs(this.opts.dataDir);
    metrics.storageAvailable.set(fs.bavail * fs.bsize);
    metrics.storageCapacity.set(fs.blocks * fs.bsize);
  }
}
