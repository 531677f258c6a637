import { afterEach, describe, expect, test } from 'vitest';
import { parseSse, type SseEvent } from '../../../src/client/sse.js';
import { buildTx } from '../../../src/client/index.js';
import type { BlockEventJson } from '../../../src/client/wire.js';
import { testKey } from './fake-chain.js';
import { FakeNode } from './fake-node.js';
import { startApi, type RunningApi } from './harness.js';

const signer = testKey(7);
let api: RunningApi | undefined;
let nonce = 0;

afterEach(async () => {
  await api?.close();
  api = undefined;
  nonce = 0;
});

async function start(maxSubscribers = 8): Promise<RunningApi> {
  const node = new FakeNode();
  node.addAccount(signer.publicKey, 'integrator');
  api = await startApi(node, { rateLimit: false, readAuth: false, events: { maxSubscribers, heartbeatMs: 0 } });
  return api;
}

/** Commits `n` blocks of one transaction each. */
function commitBlocks(a: RunningApi, n: number): void {
  for (let i = 0; i < n; i++) {
    const r = a.node.submitTx(buildTx(signer, 'test-chain', 'invoice.accept', { id: `INV-${nonce}` }, nonce++));
    expect(r.ok).toBe(true);
    a.node.commitPending();
  }
}

/** An open event stream: read events one at a time, then close. */
interface Stream {
  readonly status: number;
  next(): Promise<SseEvent>;
  close(): void;
}

async function open(a: RunningApi, query = '', headers: Record<string, string> = {}): Promise<Stream> {
  const ctl = new AbortController();
  const res = await fetch(`${a.url}/v1/events${query}`, { headers, signal: ctl.signal });
  if (res.status !== 200 || res.body === null) {
    await res.body?.cancel();
    return { status: res.status, next: () => Promise.reject(new Error('no stream')), close: () => undefined };
  }
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events = parseSse(res.body);
  return {
    status: res.status,
    async next() {
      const r = await events.next();
      if (r.done === true) throw new Error('stream ended');
      return r.value;
    },
    close: () => ctl.abort(),
  };
}

async function heights(s: Stream, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const ev = await s.next();
    expect(ev.event).toBe('block');
    const data = JSON.parse(ev.data) as BlockEventJson;
    expect(ev.id, 'id is the height').toBe(String(data.height));
    out.push(data.height);
  }
  return out;
}

describe('GET /v1/events', () => {
  test('replays stored blocks from fromHeight, then follows new commits', async () => {
    const a = await start();
    commitBlocks(a, 4);
    const s = await open(a, '?fromHeight=2');
    expect(await heights(s, 3)).toEqual([2, 3, 4]);
    commitBlocks(a, 2);
    expect(await heights(s, 2)).toEqual([5, 6]);
    s.close();
  });

  test('block events carry each transaction with its status and code', async () => {
    const a = await start();
    const t = buildTx(signer, 'test-chain', 'invoice.finance', { id: 'INV-1', financier: 'bank', advance: '10' }, 0);
    const r = a.node.submitTx(t);
    expect(r.ok).toBe(true);
    const hash = Buffer.from(r.ok ? r.hash : []).toString('hex');
    a.node.commitPending(new Map([[hash, { code: 'INVOICE_ALREADY_FINANCED' }]]));
    const s = await open(a, '?fromHeight=1');
    const data = JSON.parse((await s.next()).data) as BlockEventJson;
    expect(data).toMatchObject({ height: 1, txs: [{ hash, type: 'invoice.finance', status: 'rejected', code: 'INVOICE_ALREADY_FINANCED' }] });
    s.close();
  });

  test('without fromHeight the stream starts after the head', async () => {
    const a = await start();
    commitBlocks(a, 3);
    const s = await open(a);
    commitBlocks(a, 1);
    expect(await heights(s, 1)).toEqual([4]);
    s.close();
  });

  test('Last-Event-ID resumes after that height and wins over fromHeight', async () => {
    const a = await start();
    commitBlocks(a, 5);
    const s = await open(a, '?fromHeight=1', { 'last-event-id': '3' });
    expect(await heights(s, 2)).toEqual([4, 5]);
    s.close();
    expect((await open(a, '', { 'last-event-id': 'x' })).status).toBe(400);
    expect((await open(a, '?fromHeight=0')).status).toBe(400);
  });

  test('reconnecting with the last height seen misses and repeats nothing', async () => {
    const a = await start();
    const seen: number[] = [];
    let next = 1;
    // Rounds of: connect; blocks committed before and after connecting; read some; drop the
    // connection; blocks committed while nobody listens. Fixed pattern, varied sizes.
    for (let round = 0; round < 12; round++) {
      commitBlocks(a, round % 3);
      const s = await open(a, `?fromHeight=${next}`);
      commitBlocks(a, (round * 7) % 4);
      const available = a.node.chain.height - next + 1;
      const take = Math.min(available, 1 + (round % 5));
      const got = await heights(s, take);
      s.close();
      seen.push(...got);
      if (got.length > 0) next = (got[got.length - 1] as number) + 1;
    }
    const s = await open(a, `?fromHeight=${next}`);
    seen.push(...(await heights(s, a.node.chain.height - next + 1)));
    s.close();
    expect(seen).toEqual(Array.from({ length: a.node.chain.height }, (_, i) => i + 1));
  });

  test('over maxSubscribers answers 429; closing a stream frees its slot', async () => {
    const a = await start(2);
    const s1 = await open(a);
    const s2 = await open(a);
    const refused = await fetch(`${a.url}/v1/events`);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('TOO_MANY_SUBSCRIBERS');
    s1.close();
    // The server sees the close asynchronously: wait until a new stream is admitted.
    let s3: Stream | undefined;
    while (s3 === undefined) {
      const s = await open(a);
      if (s.status === 200) s3 = s;
      else await new Promise((resolve) => setImmediate(resolve));
    }
    s2.close();
    s3.close();
  });

  test('closing the server ends open streams and unsubscribes from commits', async () => {
    const a = await start();
    const s = await open(a, '?fromHeight=1');
    commitBlocks(a, 1);
    expect(await heights(s, 1)).toEqual([1]);
    expect(a.node.listenerCount).toBe(1);
    // The graceful close (what the node calls): it must end the stream itself.
    await a.app.close();
    api = undefined;
    await expect(s.next()).rejects.toThrow();
    expect(a.node.listenerCount).toBe(0);
  });
});
