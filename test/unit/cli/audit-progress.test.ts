import { describe, expect, test } from 'vitest';
import { AuditProgress } from '../../../src/cli/progress.js';

// The progress of `ledger audit`: rate-limited by the clock (every second on a terminal, every
// 10 s in a log), with height, blocks/s and ETA.

function withClock(tty: boolean, startHeight = 0) {
  let now = 1_000_000;
  const lines: string[] = [];
  const p = new AuditProgress(startHeight, { write: (l) => void lines.push(l), tty, now: () => now });
  return { p, lines, advance: (ms: number) => (now += ms) };
}

describe('AuditProgress', () => {
  test('on a terminal: a line per second with height, rate and ETA', () => {
    const { p, lines, advance } = withClock(true);
    p.target(1000);
    p.update(64);
    expect(lines).toEqual([]);
    advance(1000);
    p.update(200);
    advance(400);
    p.update(300);
    expect(lines).toEqual(['audit: height 200/1000, 200 blocks verified, 200 blocks/s, ETA 4s']);
    advance(600);
    p.update(400);
    expect(lines[1]).toBe('audit: height 400/1000, 400 blocks verified, 200 blocks/s, ETA 3s');
  });

  test('in a log: every 10 s; resumed audits count from their checkpoint; no ETA without a target', () => {
    const { p, lines, advance } = withClock(false, 5000);
    advance(9000);
    p.update(5900);
    expect(lines).toEqual([]);
    advance(1000);
    p.update(6000);
    expect(lines).toEqual(['audit: height 6000, 1000 blocks verified, 100 blocks/s']);
  });
});
