import { describe, expect, it } from 'vitest';
import { OutboundQueue } from '../../../src/p2p/outbound-queue.js';

const m = (n: number, size = 1): Uint8Array => new Uint8Array(size).fill(n);
const drain = (q: OutboundQueue): number[] => {
  const out: number[] = [];
  for (let x = q.shift(); x !== undefined; x = q.shift()) out.push(x[0] ?? -1);
  return out;
};

describe('OutboundQueue', () => {
  it('is FIFO', () => {
    const q = new OutboundQueue({ maxMessages: 10, maxBytes: 100 });
    for (let i = 0; i < 5; i++) q.push(m(i));
    expect(q.length).toBe(5);
    expect(q.peek()?.[0]).toBe(0);
    expect(q.at(3)?.[0]).toBe(3);
    expect(drain(q)).toEqual([0, 1, 2, 3, 4]);
    expect(q.bytes).toBe(0);
  });

  it('drops the oldest when the message bound is reached, and counts', () => {
    const q = new OutboundQueue({ maxMessages: 3, maxBytes: 100 });
    for (let i = 0; i < 5; i++) q.push(m(i));
    expect(q.dropped).toBe(2);
    expect(drain(q)).toEqual([2, 3, 4]);
  });

  it('drops the oldest when the byte bound would be passed, and counts', () => {
    const q = new OutboundQueue({ maxMessages: 100, maxBytes: 10 });
    q.push(m(1, 4));
    q.push(m(2, 4));
    q.push(m(3, 4));
    expect(q.dropped).toBe(1);
    expect(q.bytes).toBe(8);
    expect(drain(q)).toEqual([2, 3]);
  });

  it('refuses a message larger than the byte bound without touching the queue', () => {
    const q = new OutboundQueue({ maxMessages: 100, maxBytes: 10 });
    q.push(m(1, 4));
    expect(q.push(m(2, 11))).toBe(false);
    expect(q.dropped).toBe(1);
    expect(drain(q)).toEqual([1]);
  });

  it('keeps order and bounded memory across many pushes and shifts (compaction)', () => {
    const q = new OutboundQueue({ maxMessages: 5000, maxBytes: 1 << 20 });
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 300; i++) q.push(Uint8Array.from([next++ & 0xff]));
      for (let i = 0; i < 250; i++) expect(q.shift()?.[0], `message ${expected}`).toBe(expected++ & 0xff);
    }
    expect(q.length).toBe(50 * 50);
    q.clear();
    expect(q.length).toBe(0);
    expect(q.dropped).toBe(0);
  });
});
