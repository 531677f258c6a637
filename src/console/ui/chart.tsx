import type { ComponentChildren } from 'preact';

// A dependency-free SVG chart: bars for transactions per block, a line for the block interval.

/** One committed block as the live chart sees it. */
export interface ChartPoint {
  readonly height: number;
  readonly txs: number;
  readonly intervalMs: number;
}

export function LiveChart({ points }: { points: readonly ChartPoint[] }): ComponentChildren {
  const w = 600;
  const h = 140;
  const n = Math.max(points.length, 1);
  const maxTx = Math.max(1, ...points.map((p) => p.txs));
  const maxMs = Math.max(1, ...points.map((p) => p.intervalMs));
  const bw = w / n;
  const line = points.map((p, i) => `${(i + 0.5) * bw},${h - (p.intervalMs / maxMs) * (h - 10)}`).join(' ');
  return (
    <svg class="chart" viewBox={`0 0 ${w} ${h}`} role="img" aria-label="transactions per block and block interval">
      {points.map((p, i) => (
        <rect key={p.height} x={i * bw + 1} width={Math.max(bw - 2, 1)} y={h - (p.txs / maxTx) * (h - 10)} height={(p.txs / maxTx) * (h - 10)} class="bar">
          <title>{`block ${p.height}: ${p.txs} txs, ${p.intervalMs} ms after its parent`}</title>
        </rect>
      ))}
      <polyline points={line} class="line" />
      <text x="4" y="12" class="legend">{`bars: txs/block (max ${maxTx}) · line: block interval (max ${maxMs} ms)`}</text>
    </svg>
  );
}
