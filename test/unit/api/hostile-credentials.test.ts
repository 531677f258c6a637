import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signMessage } from '../../../src/crypto/ed25519.js';
import { createReadToken } from '../../../src/crypto/read-token.js';
import { toHex } from '../../../src/util/bytes.js';
import { testKey } from './fake-chain.js';
import { sampleAsset, sampleInvoice } from './fake-node.js';
import { startApi, type RunningApi } from './harness.js';

// 10,000 hostile credentials across every read route, against the real HTTP server with read
// authentication on: forged, expired, future-dated, wrong-chain, wrong-key, truncated, oversize
// and garbage. None may get a 5xx or any data; the node stays healthy and still serves a valid
// token afterwards.

const TOTAL = 10_000;
const CHAIN = 'test-chain';
const reader = testKey(51);
const stranger = testKey(52);
const SECRET = 'SECRET-INVOICE';
const ROUTES = [
  `/v1/invoices/${SECRET}`, '/v1/invoices', `/v1/invoices/${SECRET}/history`, '/v1/assets/A-1', '/v1/assets', '/v1/assets/A-1/history',
  `/v1/accounts/${toHex(reader.publicKey)}`, `/v1/transactions/${'ab'.repeat(32)}`, '/v1/blocks/latest', '/v1/blocks/1', '/v1/blocks',
  '/v1/members', '/v1/genesis', `/v1/proofs/state?key=${toHex(Buffer.from(`inv/${SECRET}`))}`, '/v1/events',
];

let seed = 0x2545f491;
function rnd(n: number): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
}
const b64 = (o: unknown): string => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');
function signed(key: typeof reader, claims: unknown, header: unknown = { alg: 'EdDSA', typ: 'JWT' }): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${Buffer.from(signMessage(key, Buffer.from(input))).toString('base64url')}`;
}

function credential(i: number): { kind: string; header: string | undefined } {
  const now = Math.floor(Date.now() / 1000);
  const sub = toHex(reader.publicKey);
  const good = createReadToken(reader, CHAIN);
  const kinds: [string, () => string | undefined][] = [
    ['none', () => undefined],
    ['expired', () => `Bearer ${signed(reader, { sub, aud: CHAIN, iat: now - 600 - rnd(1e6), exp: now - 100 - rnd(400) })}`],
    ['future', () => `Bearer ${signed(reader, { sub, aud: CHAIN, iat: now + 60 + rnd(1e6), exp: now + 120 + rnd(1e6) })}`],
    ['wrong-chain', () => `Bearer ${signed(reader, { sub, aud: `chain-${rnd(1000)}`, iat: now, exp: now + 60 })}`],
    ['wrong-key', () => `Bearer ${signed(stranger, { sub, aud: CHAIN, iat: now, exp: now + 60 })}`],
    ['stranger', () => `Bearer ${createReadToken(stranger, CHAIN)}`],
    ['long-lived', () => `Bearer ${signed(reader, { sub, aud: CHAIN, iat: now, exp: now + 301 + rnd(1e7) })}`],
    ['alg-none', () => `Bearer ${b64({ alg: 'none' })}.${b64({ sub, aud: CHAIN, iat: now, exp: now + 60 })}.`],
    ['truncated', () => `Bearer ${good.slice(0, 1 + rnd(good.length - 1))}`],
    ['flipped', () => {
      const j = rnd(good.length);
      return `Bearer ${good.slice(0, j)}${good[j] === 'A' ? 'B' : 'A'}${good.slice(j + 1)}`;
    }],
    ['oversize', () => `Bearer ${good}${'A'.repeat(1000 + rnd(6000))}`],
    ['garbage', () => ['Bearer', 'Basic dXNlcjpwYXNz', `Bearer ${'.'.repeat(rnd(5))}`, `bearer ${good}`, `Bearer  ${good}`, `Bearer ${b64('{')}.${b64('[]')}.${b64('x')}`][rnd(6)]],
    ['bad-claims', () => `Bearer ${signed(reader, [{ sub }, { sub: 1, aud: CHAIN, iat: now, exp: now + 60 }, { sub, aud: CHAIN, iat: 1.5, exp: now }, null, 'x'][rnd(5)])}`],
  ];
  const [kind, make] = kinds[i % kinds.length] as [string, () => string | undefined];
  return { kind, header: make() };
}

let api: RunningApi;
beforeAll(async () => {
  api = await startApi(undefined, { rateLimit: false, events: { maxSubscribers: 10_000, heartbeatMs: 0 } });
  api.node.addAccount(reader.publicKey, 'auditor', 'auditor');
  api.node.invoices.set(SECRET, sampleInvoice(SECRET));
  api.node.assets.set('A-1', sampleAsset('A-1'));
});
afterAll(() => api.close());

describe('hostile credentials', () => {
  test(`${TOTAL} forged, expired, future, wrong-chain, wrong-key, truncated and oversize credentials: no 5xx, no data`, async () => {
    const tally = new Map<string, number>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < TOTAL) {
        const i = next++;
        const { kind, header } = credential(i);
        const path = ROUTES[rnd(ROUTES.length)] as string;
        const r = await fetch(`${api.url}${path}`, header === undefined ? {} : { headers: { authorization: header } });
        const text = await r.text();
        expect(r.status, `${kind} ${path}`).toBeLessThan(500);
        expect([401, 400, 431], `${kind} ${path}: ${r.status} ${text.slice(0, 120)}`).toContain(r.status);
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain('fp-');
        tally.set(`${kind} ${r.status}`, (tally.get(`${kind} ${r.status}`) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    console.log(`hostile credentials: ${[...tally].map(([k, n]) => `${k}=${n}`).join(', ')}`);
    // Still healthy, and a valid token still reads.
    expect((await fetch(`${api.url}/v1/status`)).status).toBe(200);
    const ok = await fetch(`${api.url}/v1/invoices/${SECRET}`, { headers: { authorization: `Bearer ${createReadToken(reader, CHAIN)}` } });
    expect(ok.status).toBe(200);
  }, 300_000);
});
