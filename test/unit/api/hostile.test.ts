import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { API_ERROR_CODES } from '../../../src/api/errors.js';
import { buildTx, txHashHex, txToJson } from '../../../src/client/index.js';
import { testKey } from './fake-chain.js';
import { sampleAsset, sampleInvoice } from './fake-node.js';
import { startApi, type RunningApi } from './harness.js';

// Property: no request, however malformed, gets a 5xx or takes the server down. Every
// non-2xx JSON answer is the one envelope with a code from the table.

const RUNS = 500;
const PER_RUN = 20;
const key = testKey(4);
let api: RunningApi;
let knownHash = '';
let sent = 0;

const TEMPLATES = [
  '/v1/status', '/v1/genesis', '/v1/transactions', '/v1/transactions/:hash', '/v1/blocks/latest', '/v1/blocks/:n', '/v1/blocks',
  '/v1/invoices/:id', '/v1/invoices', '/v1/invoices/:id/history', '/v1/assets/:id', '/v1/assets', '/v1/assets/:id/history',
  '/v1/accounts/:key', '/v1/members', '/v1/proofs/state', '/v1/events', '/metrics', '/docs', '/docs/json', '/', '/v1', '/v1/:x/:y',
];

function safeEncode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return 'x%ZZ';
  }
}

const segment = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }).map(safeEncode),
  fc.string({ maxLength: 300 }).map(safeEncode),
  fc.constantFrom('..', '%00', '%ff', '%zz', '%', '-1', '0', '1.5', '0x10', '1e309', '9'.repeat(40), 'null', 'latest', 'INV-1', 'A-1', 'supplier'),
  fc.integer().map(String),
  fc.stringMatching(/^[0-9a-fA-F]{0,130}$/),
  fc.constant('').map(() => knownHash),
);

const queryValue = fc.oneof(segment, fc.constantFrom('1', '20', '201', 'issued', 'supplier', '00', 'zz', ''));
const query = fc
  .array(fc.tuple(fc.constantFrom('from', 'limit', 'holder', 'status', 'owner', 'cursor', 'key', 'fromHeight', 'x', '__proto__'), queryValue), { maxLength: 4 })
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));

const path = fc.tuple(fc.constantFrom(...TEMPLATES), segment, segment, query).map(([t, a, b, q]) =>
  t.replace(/:(hash|n|id|key|x)/, a).replace(':y', b) + q,
);

function validTxJson(nonce: number): Record<string, unknown> {
  return txToJson(buildTx(key, 'test-chain', 'invoice.accept', { id: 'INV-1' }, nonce)) as unknown as Record<string, unknown>;
}

const jsonValue = fc.jsonValue({ maxDepth: 4 });
const body = fc.oneof(
  fc.constant(undefined),
  jsonValue.map((v) => JSON.stringify(v)),
  fc.tuple(fc.constantFrom('chainId', 'type', 'signer', 'nonce', 'payload', 'signature', 'extra'), jsonValue, fc.nat(5)).map(([field, v, n]) =>
    JSON.stringify({ ...validTxJson(n), [field]: v }),
  ),
  fc.dictionary(fc.string({ maxLength: 8 }), jsonValue, { maxKeys: 40 }).map((payload) => JSON.stringify({ ...validTxJson(0), payload })),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('{', '[]', 'null', '"x"', '{"__proto__":{"a":1}}', '{"constructor":{"prototype":{}}}', '['.repeat(5000), 'x'.repeat(70 * 1024)),
);

const contentType = fc.constantFrom(
  'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x', 'application/octet-stream', 'application/json; charset=utf-16', undefined,
);

const request = fc.record({
  method: fc.constantFrom('GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
  path,
  body,
  contentType,
  lastEventId: fc.option(fc.oneof(fc.nat().map(String), fc.string({ maxLength: 20 })), { nil: undefined }),
});

type Req = typeof request extends fc.Arbitrary<infer T> ? T : never;

// node:http with a keep-alive pool: unlike fetch it sends bodies with GET too, and costs less
// per request on a loaded two-core machine.
const agent = new Agent({ keepAlive: true, maxSockets: PER_RUN });

function exchange(r: Req): Promise<{ status: number; type: string; text: string }> {
  const { port } = new URL(api.url);
  const headers: Record<string, string> = {};
  if (r.contentType !== undefined) headers['content-type'] = r.contentType;
  if (r.lastEventId !== undefined && /^[\x20-\x7e]*$/.test(r.lastEventId)) headers['last-event-id'] = r.lastEventId;
  // Framed even on GET: an unframed body would read as the next request on the connection.
  if (r.body !== undefined) headers['content-length'] = String(Buffer.byteLength(r.body));
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: r.method, path: r.path, headers, agent }, (res) => {
      const type = res.headers['content-type'] ?? '';
      const status = res.statusCode ?? 0;
      if (type.startsWith('text/event-stream')) {
        // A valid stream never ends: one answer is enough.
        res.destroy();
        resolve({ status, type, text: '' });
        return;
      }
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status, type, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

async function send(r: Req): Promise<void> {
  const { status, text } = await exchange(r);
  sent++;
  const what = `${r.method} ${r.path.slice(0, 120)} -> ${status}`;
  if (status >= 500 || status < 100) expect.fail(`${what}: ${text.slice(0, 200)}`);
  if (status >= 400 && r.method !== 'HEAD') {
    const json = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (!(API_ERROR_CODES as unknown[]).includes(json.error?.code) || typeof json.error?.message !== 'string') {
      expect.fail(`${what}: not the error envelope: ${text.slice(0, 200)}`);
    }
  }
}

beforeAll(async () => {
  api = await startApi(undefined, { rateLimit: false, readAuth: false, events: { maxSubscribers: 10_000, heartbeatMs: 0 } });
  api.node.addAccount(key.publicKey, 'supplier');
  api.node.invoices.set('INV-1', sampleInvoice('INV-1'));
  api.node.assets.set('A-1', sampleAsset('A-1'));
  const t = buildTx(key, 'test-chain', 'invoice.accept', { id: 'INV-1' }, 0);
  api.node.submitTx(t);
  api.node.commitPending();
  knownHash = txHashHex(t);
  expect(knownHash).toHaveLength(64);
});
afterAll(async () => {
  agent.destroy();
  await api.close();
});

describe('hostile requests', () => {
  test(`${RUNS * PER_RUN} malformed requests across every route: no 5xx, envelope on every error`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: PER_RUN, maxLength: PER_RUN }), async (batch) => {
        await Promise.all(batch.map(send));
      }),
      { numRuns: RUNS },
    );
    expect(sent).toBeGreaterThanOrEqual(10_000);
    const status = await fetch(`${api.url}/v1/status`);
    expect(status.status).toBe(200);
    expect(((await status.json()) as { chainId: string }).chainId).toBe('test-chain');
  });

  test('garbage on the socket gets a 4xx and the server keeps answering', async () => {
    const { port } = new URL(api.url);
    const garbage = [
      'GARBAGE\r\n\r\n',
      'GET /v1/status HTTP/9.9\r\n\r\n',
      `GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      'POST /v1/transactions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'POST /v1/transactions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n{}',
      `GET /v1/status HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
      'GET /v1/status HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
    ];
    for (const g of garbage) {
      const answer = await new Promise<string>((resolve, reject) => {
        const sock = connect(Number(port), '127.0.0.1', () => sock.end(g));
        let data = '';
        sock.on('data', (d) => (data += d.toString('latin1')));
        sock.on('close', () => resolve(data));
        sock.on('error', reject);
      });
      expect(answer, JSON.stringify(g.slice(0, 60))).toMatch(/^HTTP\/1\.1 4\d\d /);
      expect(answer, JSON.stringify(g.slice(0, 60))).toContain('{"error":{"code":"');
    }
    expect((await fetch(`${api.url}/v1/status`)).status).toBe(200);
  });
});
