import type { ComponentChildren } from 'preact';

// A dependency-free SVG chart: bars for transactions per block, a line for the block interval.

/** One committed block as the live chart sees it. */
export interface ChartPoint {
  readonly height: number;
  readonly txs: number;
  readonly intervalMs: number;
}

/** The chart has `slots` columns and fills from the right, so its scale does not jump as blocks arrive. */
export function LiveChart({ points, slots }: { points: readonly ChartPoint[]; slots: number }): ComponentChildren {
  const w = 600;
  const h = 140;
  const n = Math.max(slots, points.length, 1);
  const x0 = n - points.length;
  const maxTx = Math.max(1, ...points.map((p) => p.txs));
  const maxMs = Math.max(1, ...points.map((p) => p.intervalMs));
  const bw = w / n;
  const line = points.map((p, i) => `${(x0 + i + 0.5) * bw},${h - (p.intervalMs / maxMs) * (h - 10)}`).join(' ');
  return (
    <figure class="chart-box">
    <svg class="chart" viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="none" role="img" aria-label="transactions per block and block interval">
      {points.map((p, i) => (
        <rect key={p.height} x={(x0 + i) * bw + 1} width={Math.max(bw - 2, 1)} y={h - (p.txs / maxTx) * (h - 10)} height={(p.txs / maxTx) * (h - 10)} class="bar">
          <title>{`block ${p.height}: ${p.txs} txs, ${p.intervalMs} ms after its parent`}</title>
        </rect>
      ))}
      <polyline points={line} class="line" vector-effect="non-scaling-stroke" />
    </svg>
    <figcaption class="muted">{`bars: transactions per block (max ${maxTx}) · line: interval between blocks (max ${maxMs} ms) · newest on the right`}</figcaption>
    </figure>
  );
}
