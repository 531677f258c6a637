import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg, platform, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where a benchmark ran: printed with every result so numbers are never quoted without it. */
export interface BenchEnvironment {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly platform: string;
  readonly node: string;
  /** `git rev-parse --short HEAD`, or 'unknown' outside a checkout. */
  readonly commit: string;
  /** ISO 8601, UTC. */
  readonly date: string;
  /** 1-minute load average at the start: a busy machine explains a slow run. */
  readonly loadAvg1m: number;
}

/** The repository root: the nearest ancestor of this file holding package.json (works from dist/ too). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

/** Captures the machine, runtime and code version. */
export function captureEnvironment(): BenchEnvironment {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || 'unknown';
  } catch {
    // No git or not a checkout (e.g. a copied dist/): the commit is simply unknown.
  }
  const cpuList = cpus();
  return {
    cpu: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${platform()}-${process.arch}`,
    node: process.version,
    commit,
    date: new Date().toISOString(),
    loadAvg1m: Number((loadavg()[0] ?? 0).toFixed(2)),
  };
}
