import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './environment.js';
import type { BenchReport } from './harness.js';

/** 1234.5 ns -> "1.23 µs": three significant digits in the largest fitting unit. */
export function formatNs(ns: number): string {
  const [value, unit] = ns >= 1e9 ? [ns / 1e9, 's'] : ns >= 1e6 ? [ns / 1e6, 'ms'] : ns >= 1e3 ? [ns / 1e3, 'µs'] : [ns, 'ns'];
  return `${value.toPrecision(3)} ${unit}`;
}

/** 12345.6 -> "12,346". */
export function formatRate(perSec: number): string {
  return Math.round(perSec).toLocaleString('en-US');
}

/** The human table, then exactly one line of JSON (the whole report) on stdout. */
export function printReport(r: BenchReport): void {
  const e = r.environment;
  const rows = r.results.map((x) => [x.id, formatRate(x.opsPerSec), formatNs(x.medianNs), formatNs(x.p99Ns), `${x.repetitions}×${x.batch}`]);
  const header = ['id', 'ops/s', 'median', 'p99', 'samples×batch'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  const out = [
    `${r.name}: ${e.cpu} (${e.cores} cores, ${e.memoryGiB} GiB), node ${e.node}, commit ${e.commit}, ${e.date}, load ${e.loadAvg1m}`,
    `seed ${r.seed}, warm-up ${r.warmupMs} ms, ${r.results[0]?.repetitions ?? 0} samples of >= ${r.minSampleMs} ms${Object.keys(r.params).length > 0 ? `, ${JSON.stringify(r.params)}` : ''}`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    JSON.stringify(r),
  ];
  process.stdout.write(out.join('\n') + '\n');
}

/** Writes bench/results/<name>.json under the repository root; returns the path. */
export function saveReport(r: BenchReport): string {
  const dir = join(repoRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${r.name}.json`);
  writeFileSync(path, JSON.stringify(r, null, 2) + '\n');
  return path;
}
