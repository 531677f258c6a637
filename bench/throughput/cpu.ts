import { readFileSync } from 'node:fs';

// Linux exposes per-process CPU time in /proc/<pid>/stat (fields 14 and 15, in clock ticks of
// 1/100 s on every mainstream kernel). CPU time per committed transaction is the efficiency
// figure that does not depend on what else the machine runs; throughput does.
const TICKS_PER_SEC = 100;

/** User + system CPU seconds a process has used, or null when unreadable (not Linux, gone). */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after its closing paren are fixed.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / TICKS_PER_SEC : null;
  } catch {
    return null;
  }
}

/** Sum of processCpuSeconds over pids (null if any is unreadable). */
export function totalCpuSeconds(pids: readonly number[]): number | null {
  let sum = 0;
  for (const p of pids) {
    const s = processCpuSeconds(p);
    if (s === null) return null;
    sum += s;
  }
  return sum;
}
