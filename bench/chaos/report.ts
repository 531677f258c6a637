// The chart of a chaos run: committed transactions per second over time, each fault window
// shaded and labelled, so a reader sees what every fault cost and how fast the chain came back.
import type { FaultRecord } from './checker.js';

/** Commits per whole second since t0, from first-seen commit reports. */
export function commitsPerSecond(committed: readonly { hash: string; atMs: number }[], durationMs: number): number[] {
  const seconds = new Array<number>(Math.max(1, Math.ceil(durationMs / 1000))).fill(0);
  const seen = new Set<string>();
  for (const c of committed) {
    if (seen.has(c.hash)) continue;
    seen.add(c.hash);
    const s = Math.floor(c.atMs / 1000);
    if (s >= 0 && s < seconds.length) seconds[s] = (seconds[s] as number) + 1;
  }
  return seconds;
}

const COLOURS: Record<string, string> = {
  'kill-restart': '#d62728', 'kill-leader': '#ff7f0e', pause: '#9467bd', isolate: '#8c564b',
  split: '#e377c2', 'restart-all': '#7f7f7f', 'clock-skew': '#bcbd22', 'disk-full': '#17becf',
};

export function chaosChartSvg(perSecond: readonly number[], faults: readonly FaultRecord[], title: string): string {
  const W = 1000;
  const H = 380;
  const m = { l: 55, r: 20, t: 40, b: 70 };
  const maxX = Math.max(1, perSecond.length);
  const maxY = Math.max(1, ...perSecond) * 1.15;
  const x = (s: number): number => m.l + (s / maxX) * (W - m.l - m.r);
  const y = (v: number): number => H - m.b - (v / maxY) * (H - m.t - m.b);
  const path = perSecond.map((v, s) => `${s === 0 ? 'M' : 'L'}${x(s + 0.5).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const shades = faults.map((f, k) => {
    const x0 = x(f.startMs / 1000);
    const x1 = Math.max(x0 + 2, x(f.healMs / 1000));
    const c = COLOURS[f.kind] ?? '#999';
    const ly = m.t + 12 + (k % 4) * 12;
    return `<rect x="${x0.toFixed(1)}" y="${m.t}" width="${(x1 - x0).toFixed(1)}" height="${H - m.t - m.b}" fill="${c}" fill-opacity="0.18"/>
<text x="${x0.toFixed(1)}" y="${ly}" font-size="9" fill="${c}">${f.kind}</text>`;
  }).join('\n');
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const kinds = [...new Set(faults.map((f) => f.kind))];
  const legend = kinds.map((k, i) => `<rect x="${m.l + i * 118}" y="${H - 28}" width="10" height="10" fill="${COLOURS[k] ?? '#999'}" fill-opacity="0.5"/><text x="${m.l + i * 118 + 14}" y="${H - 19}" font-size="11">${k}</text>`).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${title}</text>
${shades}
<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/>
<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="black"/>
${ticks.map((t) => `<text x="${x(t * maxX).toFixed(1)}" y="${H - m.b + 16}" text-anchor="middle">${Math.round(t * maxX)} s</text>`).join('\n')}
${ticks.map((t) => `<text x="${m.l - 6}" y="${y(t * maxY).toFixed(1)}" text-anchor="end">${Math.round(t * maxY)}</text>`).join('\n')}
<text x="14" y="${(H - m.b + m.t) / 2}" transform="rotate(-90 14 ${(H - m.b + m.t) / 2})" text-anchor="middle">committed tx/s</text>
<path d="${path}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>
${legend}
</svg>
`;
}
