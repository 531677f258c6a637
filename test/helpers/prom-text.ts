import { spawnSync } from 'node:child_process';

/** One sample of the Prometheus text format. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Parses the text exposition format (no escapes beyond \" and \\ in label values, which the node never emits otherwise). */
export function parseSamples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.length === 0 || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (m === null) throw new Error(`unparsable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, '$1');
    out.push({ name: m[1] as string, labels, value: Number(m[4]) });
  }
  return out;
}

/** Samples of `name` whose labels include every pair of `labels`. */
export function samplesOf(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The sum of the matching samples' values (0 when none). */
export function sumOf(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  return samplesOf(samples, name, labels).reduce((a, s) => a + s.value, 0);
}

/**
 * Runs promtool (Debian package `prometheus`; CI installs it). A missing promtool is a
 * failure, not a skip: these checks are part of what the suite promises.
 */
export function promtool(args: readonly string[], stdin?: string): { status: number; output: string } {
  const r = spawnSync('promtool', args, { input: stdin, encoding: 'utf8', timeout: 60_000 });
  if (r.error !== undefined) {
    throw new Error(`cannot run promtool (${r.error.message}): install Debian's prometheus package (apt-get install -y prometheus)`);
  }
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}
