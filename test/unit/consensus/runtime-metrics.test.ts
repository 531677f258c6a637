import { describe, expect, it } from 'vitest';
import type { ConsensusMetrics, ViewChangeCause } from '../../../src/consensus/runtime/application.js';
import { RuntimeHarness } from './runtime-harness.js';

// The runtime updates its metrics where the events happen: a view entered, an epoch entered,
// a block committed. Four real runtimes in virtual time; one crashes so that the views it
// leads end by timeout.

class RecordingMetrics implements ConsensusMetrics {
  readonly gauges = new Map<string, number>();
  readonly causes: ViewChangeCause[] = [];
  readonly finality: number[] = [];
  private gauge(name: string): { set(v: number): void } {
    return { set: (v) => void this.gauges.set(name, v) };
  }
  readonly view = this.gauge('view');
  readonly epoch = this.gauge('epoch');
  readonly members = this.gauge('members');
  readonly quorum = this.gauge('quorum');
  readonly viewChanges = { inc: (l: { cause: ViewChangeCause }): void => void this.causes.push(l.cause) };
  readonly blockFinality = { observe: (s: number): void => void this.finality.push(s) };
  readonly refused: string[] = [];
  readonly messagesRefused = { inc: (l: { peer: string; reason: string }): void => void this.refused.push(`${l.peer}/${l.reason}`) };
}

async function cluster(): Promise<{ h: RuntimeHarness; metrics: RecordingMetrics[] }> {
  const h = new RuntimeHarness();
  const metrics = [0, 1, 2, 3].map(() => new RecordingMetrics());
  for (let i = 0; i < 4; i++) await h.add(i, { metrics: metrics[i] as RecordingMetrics });
  return { h, metrics };
}

describe('consensus runtime metrics', () => {
  it('report epoch, members, quorum, the current view and finality, and no view change while all members run', async () => {
    const { h, metrics } = await cluster();
    expect(await h.runUntil(() => h.minHeight() >= 10, 10_000)).toBe(true);
    for (const [i, m] of metrics.entries()) {
      expect(m.gauges.get('epoch')).toBe(0);
      expect(m.gauges.get('members')).toBe(4);
      expect(m.gauges.get('quorum')).toBe(3);
      expect(m.gauges.get('view')).toBe(h.nodes.get(i)?.runtime.status?.view);
      expect(m.causes).toEqual([]);
      expect(m.refused, 'honest members stay within their bounds').toEqual([]);
      expect(m.finality.length).toBeGreaterThanOrEqual(10);
      for (const s of m.finality) expect(s).toBeGreaterThanOrEqual(0);
    }
  });

  it('count a crashed leader\'s views as view changes for lack of a proposal', async () => {
    const { h, metrics } = await cluster();
    expect(await h.runUntil(() => h.minHeight() >= 3, 10_000)).toBe(true);
    h.crash(1);
    const start = h.minHeight();
    expect(await h.runUntil(() => h.minHeight() >= start + 8, 60_000)).toBe(true);
    const survivors = [0, 2, 3].map((i) => metrics[i] as RecordingMetrics);
    const all = survivors.flatMap((m) => m.causes);
    // Each survivor's timer fires in the crashed member's views, where no proposal came.
    for (const m of survivors) expect(m.causes).toContain('no_proposal');
    for (const c of all) expect(['no_proposal', 'no_qc', 'peer_timeout']).toContain(c);
    for (const [i, m] of [0, 2, 3].map((i) => [i, metrics[i] as RecordingMetrics] as const)) {
      expect(m.gauges.get('view')).toBe(h.nodes.get(i)?.runtime.status?.view);
    }
  });
});
