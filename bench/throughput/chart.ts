import type { LevelResult } from './stats.js';

/** An SVG of achieved throughput and p99 latency against offered load (one point per level). */
export function sweepChartSvg(levels: readonly LevelResult[], title: string): string {
  const W = 640;
  const H = 360;
  const m = { l: 60, r: 60, t: 40, b: 50 };
  const maxX = Math.max(1, ...levels.map((l) => l.offeredTps));
  const maxY = Math.max(1, ...levels.map((l) => Math.max(l.tps, l.offeredTps)));
  const maxL = Math.max(1, ...levels.map((l) => (Number.isFinite(l.p99Ms) ? l.p99Ms : 0)));
  const x = (v: number): number => m.l + (v / maxX) * (W - m.l - m.r);
  const y = (v: number): number => H - m.b - (v / maxY) * (H - m.t - m.b);
  const yl = (v: number): number => H - m.b - (v / maxL) * (H - m.t - m.b);
  const line = (pts: [number, number][]): string => pts.map(([a, b], i) => `${i === 0 ? 'M' : 'L'}${a.toFixed(1)},${b.toFixed(1)}`).join(' ');
  const tps = line(levels.map((l) => [x(l.offeredTps), y(l.tps)]));
  const ideal = line([[x(0), y(0)], [x(maxX), y(Math.min(maxX, maxY))]]);
  const p99 = line(levels.filter((l) => Number.isFinite(l.p99Ms)).map((l) => [x(l.offeredTps), yl(l.p99Ms)]));
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${title}</text>
<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/>
<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="black"/>
<line x1="${W - m.r}" y1="${m.t}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/>
${ticks.map((t) => `<text x="${x(t * maxX).toFixed(1)}" y="${H - m.b + 16}" text-anchor="middle">${Math.round(t * maxX)}</text>`).join('\n')}
${ticks.map((t) => `<text x="${m.l - 6}" y="${y(t * maxY).toFixed(1)}" text-anchor="end">${Math.round(t * maxY)}</text>`).join('\n')}
${ticks.map((t) => `<text x="${W - m.r + 6}" y="${yl(t * maxL).toFixed(1)}">${Math.round(t * maxL)}</text>`).join('\n')}
<text x="${W / 2}" y="${H - 12}" text-anchor="middle">offered load (tx/s)</text>
<text x="16" y="${H / 2}" transform="rotate(-90 16 ${H / 2})" text-anchor="middle" fill="#1f77b4">achieved (tx/s)</text>
<text x="${W - 14}" y="${H / 2}" transform="rotate(90 ${W - 14} ${H / 2})" text-anchor="middle" fill="#d62728">p99 commit latency (ms)</text>
<path d="${ideal}" stroke="#bbb" stroke-dasharray="4 4" fill="none"/>
<path d="${tps}" stroke="#1f77b4" stroke-width="2" fill="none"/>
<path d="${p99}" stroke="#d62728" stroke-width="2" fill="none"/>
${levels.map((l) => `<circle cx="${x(l.offeredTps).toFixed(1)}" cy="${y(l.tps).toFixed(1)}" r="3" fill="#1f77b4"/>`).join('\n')}
</svg>
`;
}
