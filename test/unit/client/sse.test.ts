import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseSse, type SseEvent } from '../../../src/client/sse.js';

function streamOf(chunks: readonly string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(ctl) {
      for (const c of chunks) ctl.enqueue(enc.encode(c));
      ctl.close();
    },
  });
}

async function collect(chunks: readonly string[]): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const ev of parseSse(streamOf(chunks))) out.push(ev);
  return out;
}

const TEXT = 'retry: 2000\n: from height 1\n\nid: 1\nevent: block\ndata: {"height":1}\n\n: ping\n\nid: 2\r\nevent: block\r\ndata: line one\r\ndata: line two\r\n\r\ndata: no id or event\n\nevent: ignored-without-data\n\n';
const EXPECTED: SseEvent[] = [
  { event: 'block', id: '1', data: '{"height":1}' },
  { event: 'block', id: '2', data: 'line one\nline two' },
  { event: 'message', id: '2', data: 'no id or event' },
];

describe('parseSse', () => {
  test('fields, comments, multi-line data, CRLF, and ids that persist', async () => {
    expect(await collect([TEXT])).toEqual(EXPECTED);
  });

  test('the same events however the bytes are split into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: TEXT.length - 1 }), { maxLength: 12 }), async (cuts) => {
        const at = [0, ...cuts.sort((a, b) => a - b), TEXT.length];
        const chunks = at.slice(1).map((end, i) => TEXT.slice(at[i], end));
        expect(await collect(chunks)).toEqual(EXPECTED);
      }),
      { numRuns: 300 },
    );
  });

  test('a multi-byte character split across chunks survives', async () => {
    const bytes = new TextEncoder().encode('data: 发票\n\n');
    const body = new ReadableStream<Uint8Array>({
      start(ctl) {
        for (const b of bytes) ctl.enqueue(Uint8Array.of(b));
        ctl.close();
      },
    });
    const out: SseEvent[] = [];
    for await (const ev of parseSse(body)) out.push(ev);
    expect(out).toEqual([{ event: 'message', id: null, data: '发票' }]);
  });
});
