import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { BlockEventStream, EVENT_STREAM_DEFAULTS } from '../../../src/api/event-stream.js';
import { buildTx } from '../../../src/client/index.js';
import { testKey } from './fake-chain.js';
import { FakeNode } from './fake-node.js';

const silent = { level: 'silent', fatal() {}, error() {}, warn() {}, info() {}, debug() {}, trace() {}, silent() {}, child() { return silent; } };

/**
 * A response whose client reads nothing: every write reports a full buffer (returns false)
 * until the test emits 'drain'. Resolves waiters as frames arrive.
 */
class StalledResponse extends EventEmitter {
  readonly frames: string[] = [];
  writableNeedDrain = true;
  destroyed = false;
  ended = false;
  socket = null;
  private waiters: { n: number; resolve: () => void }[] = [];

  writeHead(): this {
    return this;
  }

  write(chunk: string): boolean {
    if (chunk.startsWith('id: ')) this.frames.push(chunk);
    this.waiters = this.waiters.filter((w) => (this.frames.length >= w.n ? (w.resolve(), false) : true));
    return false;
  }

  framesAtLeast(n: number): Promise<void> {
    return this.frames.length >= n ? Promise.resolve() : new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  end(): void {
    this.ended = true;
    this.emit('close');
  }

  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
}

function nodeWithBlocks(n: number): { node: FakeNode; loads: number[] } {
  const node = new FakeNode();
  const key = testKey(9);
  node.addAccount(key.publicKey, 'integrator');
  for (let i = 0; i < n; i++) {
    node.submitTx(buildTx(key, 'test-chain', 'invoice.accept', { id: `I-${i}` }, i));
    node.commitPending();
  }
  const loads: number[] = [];
  const getBlock = node.getBlock.bind(node);
  node.getBlock = async (h: number) => {
    loads.push(h);
    return getBlock(h);
  };
  return { node, loads };
}

const asResponse = (r: StalledResponse): ServerResponse => r as unknown as ServerResponse;

afterEach(() => {
  vi.useRealTimers();
});

describe('BlockEventStream', () => {
  test('a client that reads nothing holds one frame in flight, however far behind it is', async () => {
    const { node, loads } = nodeWithBlocks(50);
    const stream = new BlockEventStream({ ...EVENT_STREAM_DEFAULTS, heartbeatMs: 0 }, node, silent);
    const res = new StalledResponse();
    stream.attach(asResponse(res), 1);
    await res.framesAtLeast(1);
    // Many commit notifications while stalled must not queue anything for this client.
    for (let i = 0; i < 20; i++) node.commitPending();
    await new Promise((resolve) => setImmediate(resolve));
    expect(res.frames).toHaveLength(1);
    expect(loads).toEqual([1]);
    // Each drain lets exactly one more frame through, read from storage at the client's pace.
    res.emit('drain');
    await res.framesAtLeast(2);
    res.emit('drain');
    await res.framesAtLeast(3);
    expect(loads).toEqual([1, 2, 3]);
    expect(res.frames.map((f) => f.split('\n')[0])).toEqual(['id: 1', 'id: 2', 'id: 3']);
    stream.close();
  });

  test('a client stalled past stallTimeoutMs is disconnected and unsubscribed', async () => {
    vi.useFakeTimers();
    const { node } = nodeWithBlocks(3);
    const stream = new BlockEventStream({ ...EVENT_STREAM_DEFAULTS, heartbeatMs: 0, stallTimeoutMs: 5_000 }, node, silent);
    const res = new StalledResponse();
    stream.attach(asResponse(res), 1);
    await res.framesAtLeast(1);
    expect(node.listenerCount).toBe(1);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(res.destroyed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(res.destroyed).toBe(true);
    expect(stream.size).toBe(0);
    expect(node.listenerCount).toBe(0);
  });

  test('subscribers reading the same heights share one load per block', async () => {
    const { node, loads } = nodeWithBlocks(2);
    const stream = new BlockEventStream({ ...EVENT_STREAM_DEFAULTS, heartbeatMs: 0 }, node, silent);
    const a = new StalledResponse();
    const b = new StalledResponse();
    stream.attach(asResponse(a), 2);
    stream.attach(asResponse(b), 2);
    await Promise.all([a.framesAtLeast(1), b.framesAtLeast(1)]);
    expect(a.frames).toEqual(b.frames);
    expect(loads).toEqual([2]);
    stream.close();
    expect(a.ended && b.ended).toBe(true);
  });

  test('heartbeats go only to clients whose buffer has room', async () => {
    vi.useFakeTimers();
    const { node } = nodeWithBlocks(0);
    const stream = new BlockEventStream({ ...EVENT_STREAM_DEFAULTS, heartbeatMs: 1_000 }, node, silent);
    const idle = new StalledResponse();
    idle.writableNeedDrain = false;
    const full = new StalledResponse();
    const pings = { idle: 0, full: 0 };
    const count = (r: StalledResponse, k: 'idle' | 'full'): void => {
      const write = r.write.bind(r);
      r.write = (chunk: string) => {
        if (chunk === ': ping\n\n') pings[k]++;
        return write(chunk);
      };
    };
    count(idle, 'idle');
    count(full, 'full');
    stream.attach(asResponse(idle), 1);
    stream.attach(asResponse(full), 1);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(pings).toEqual({ idle: 3, full: 0 });
    stream.close();
  });
});
