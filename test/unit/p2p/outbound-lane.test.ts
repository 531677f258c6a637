import type { Stream } from '@libp2p/interface';
import { lpStream, streamPair } from '@libp2p/utils';
import { describe, expect, it } from 'vitest';
import '../../../src/p2p/polyfill.js';
import { FrameDecoder } from '../../../src/p2p/frame-decoder.js';
import { NOOP_LOGGER } from '../../../src/p2p/logger.js';
import { OutboundLane, type OutboundLaneOpts } from '../../../src/p2p/outbound-lane.js';

// The lane against libp2p's in-memory stream pair (no I/O): real AbstractMessageStream
// semantics, including back-pressure (`capacity`) and close events.

const OPTS: OutboundLaneOpts = {
  peer: 'p', channel: 'consensus', maxMessageBytes: 1 << 20,
  limits: { maxMessages: 100_000, maxBytes: 64 << 20 }, backoff: { baseMs: 1, maxMs: 4 },
};

const seq = (i: number, size = 8): Uint8Array => {
  const b = new Uint8Array(size);
  new DataView(b.buffer).setUint32(0, i);
  return b;
};
const seqOf = (b: Uint8Array): number => new DataView(b.buffer, b.byteOffset).getUint32(0);

/** Collects frames arriving on the remote end of a pair; resolves when `count` have come. */
function collect(remote: Stream, count: number): { frames: Uint8Array[]; done: Promise<void> } {
  const frames: Uint8Array[] = [];
  const decoder = new FrameDecoder(1 << 20);
  const done = new Promise<void>((resolve) => {
    remote.addEventListener('message', (evt) => {
      const chunks = evt.data instanceof Uint8Array ? [evt.data] : [...evt.data];
      for (const c of chunks) decoder.push(c, (f) => frames.push(f));
      if (frames.length >= count) resolve();
    });
  });
  return { frames, done };
}

describe('OutboundLane', () => {
  it('delivers 5,000 messages in order through a back-pressured stream, coalescing writes', async () => {
    const [local, remote] = await streamPair({ capacity: 4 });
    let sends = 0;
    const send = local.send.bind(local);
    local.send = (d) => {
      sends++;
      return send(d);
    };
    const lane = new OutboundLane(OPTS, { openStream: async () => local, log: NOOP_LOGGER });
    const { frames, done } = collect(remote, 5000);
    lane.start();
    for (let i = 0; i < 5000; i++) lane.enqueue(seq(i, i % 50 === 0 ? 70_000 : 8));
    await done;
    expect(frames.map(seqOf)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(lane.sentMessages).toBe(5000);
    expect(lane.dropped).toBe(0);
    expect(sends, 'small messages are coalesced').toBeLessThan(5000);
    await lane.stop();
  });

  it('writes the framing lpStream reads (interoperable with @libp2p/utils)', async () => {
    const [local, remote] = await streamPair();
    const lane = new OutboundLane(OPTS, { openStream: async () => local, log: NOOP_LOGGER });
    lane.start();
    lane.enqueue(Uint8Array.from([1, 2, 3]));
    lane.enqueue(new Uint8Array(300).fill(7));
    const lp = lpStream(remote);
    expect([...(await lp.read()).subarray()]).toEqual([1, 2, 3]);
    expect((await lp.read()).subarray()).toEqual(new Uint8Array(300).fill(7));
    await lane.stop();
  });

  it('opens a new stream when the current one dies, and retries failed opens with back-off', async () => {
    const pairs = [await streamPair(), await streamPair()];
    let opens = 0;
    let reopened!: () => void;
    const reopenedP = new Promise<void>((r) => (reopened = r));
    const lane = new OutboundLane(OPTS, {
      openStream: async () => {
        opens++;
        // Attempts 2 and 3 fail (peer down); attempt 4 gets the second stream.
        if (opens === 1) return pairs[0]![0];
        if (opens < 4) throw new Error('connection refused');
        reopened();
        return pairs[1]![0];
      },
      log: NOOP_LOGGER,
    });
    const first = collect(pairs[0]![1], 1);
    lane.start();
    lane.enqueue(seq(1));
    await first.done;
    pairs[0]![1].abort(new Error('peer went away'));
    await new Promise<void>((r) => pairs[0]![0].addEventListener('close', () => r(), { once: true }));
    const second = collect(pairs[1]![1], 2);
    lane.enqueue(seq(2));
    lane.enqueue(seq(3));
    await reopenedP;
    await second.done;
    expect(second.frames.map(seqOf)).toEqual([2, 3]);
    expect(opens).toBe(4);
    await lane.stop();
  });

  it('logs an oversize message as this node\'s error instead of dropping it silently', async () => {
    // docs/protocol.md R17 (message limits): an outbound message over the channel limit is logged and counted
    const warnings: object[] = [];
    const log = { ...NOOP_LOGGER, warn: (obj: object) => void warnings.push(obj) };
    const lane = new OutboundLane(OPTS, { openStream: () => new Promise<Stream>(() => undefined), log });
    for (let i = 0; i < 150; i++) lane.enqueue(new Uint8Array((1 << 20) + 1));
    expect(lane.oversize).toBe(150);
    // The first, then every 100th: a bug in a loop cannot flood the log.
    expect(warnings).toEqual([
      expect.objectContaining({ code: 'P2P_MESSAGE_OVERSIZE', bytes: (1 << 20) + 1, limit: 1 << 20, count: 1 }),
      expect.objectContaining({ count: 101 }),
    ]);
    await lane.stop();
  });

  it('never throws and drops (counting) oversize messages and anything after stop', async () => {
    const lane = new OutboundLane(OPTS, { openStream: () => new Promise<Stream>(() => undefined), log: NOOP_LOGGER });
    lane.enqueue(new Uint8Array((1 << 20) + 1));
    expect(lane.oversize).toBe(1);
    expect(lane.queued).toBe(0);
    await lane.stop();
    expect(() => lane.enqueue(seq(1))).not.toThrow();
    expect(lane.queued).toBe(0);
  });
});
