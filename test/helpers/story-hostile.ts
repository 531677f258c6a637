import fc from 'fast-check';
import { buildTx, txToJson, TX_TYPES, type SigningKey, type TxBodyJson } from '../../src/client/index.js';
import type { Payload } from '../../src/types/primitives.js';
import { toHex } from '../../src/util/bytes.js';

// Hostile requests against a real node (test/e2e/hostile.test.ts). Every transaction generated
// here must be refused at admission, whatever fast-check draws: signed ones are broken in a way
// the pool checks (chain, role, signer, nonce window, payload, signature, type), and free-form
// field mutations start from a replay (a used nonce), so a mutation that changes nothing is
// answered with the committed outcome, never admitted. Nothing may reach a block, so the state
// root cannot move.

/** A signer of the running chain with the nonce its next transaction must use. */
export interface HostileSigner {
  readonly key: SigningKey;
  readonly id: string;
  readonly nextNonce: number;
}

/** What the generators need to know about the chain under attack. */
export interface HostileContext {
  readonly chainId: string;
  readonly supplier: HostileSigner;
  readonly buyer: HostileSigner;
  readonly auditor: HostileSigner;
  readonly regulator: HostileSigner;
  /** Keys that are no account. */
  readonly strangers: readonly SigningKey[];
  /** Bodies of transactions already committed (replays). */
  readonly committed: readonly TxBodyJson[];
  /** Hash of a committed transaction, and ids that exist (so GETs hit real records too). */
  readonly knownHash: string;
  readonly knownIds: readonly string[];
  /** The mempool's nonce window (a nonce at next + maxNonceGap or more is too high). */
  readonly maxNonceGap: number;
}

/** One request and, when it is determined, the error code the node must answer with. */
export interface HostileRequest {
  readonly kind: string;
  readonly method: string;
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
  /** Expected error code (HTTP 400) when the request is a precisely broken transaction. */
  readonly code?: string;
  /** An exact copy of a committed transaction: 200 with its outcome, never admitted again. */
  readonly settled?: true;
}

const ID = fc.stringMatching(/^[A-Za-z0-9._:-]{1,24}$/);
const AMOUNT = fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }).map(String);

function post(kind: string, body: unknown, code?: string): HostileRequest {
  return { kind, method: 'POST', path: '/v1/transactions', body: JSON.stringify(body), contentType: 'application/json', ...(code !== undefined ? { code } : {}) };
}

/** A payload the supplier could really submit: only the envelope around it is broken. */
function businessPayload(ctx: HostileContext): fc.Arbitrary<{ type: string; payload: Payload }> {
  return fc.oneof(
    fc.record({ id: ID, amount: AMOUNT, fp: ID }).map(({ id, amount, fp }) => ({
      type: 'invoice.issue', payload: { id, buyer: ctx.buyer.id, amount, currency: 'CNY', dueDate: '2027-06-30', fingerprint: fp },
    })),
    fc.record({ id: ID, fp: ID }).map(({ id, fp }) => ({ type: 'asset.register', payload: { id, kind: 'receipt', fingerprint: fp, metadata: {} } })),
    ID.map((id) => ({ type: 'invoice.accept', payload: { id } })),
    fc.record({ id: ID, to: fc.constant(ctx.buyer.id) }).map((payload) => ({ type: 'asset.transfer', payload })),
  );
}

function sign(key: SigningKey, chainId: string, type: string, payload: Payload, nonce: number): TxBodyJson {
  return txToJson(buildTx(key, chainId, type, payload, nonce));
}

/** Validly signed transactions, each refused for one precise reason. */
function brokenSigned(ctx: HostileContext): fc.Arbitrary<HostileRequest> {
  const s = ctx.supplier;
  const biz = businessPayload(ctx);
  const otherChain = fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/).filter((c) => c !== ctx.chainId);
  const roleMisuse: [HostileSigner, string][] = [
    ...['asset.freeze', 'asset.unfreeze', 'invoice.freeze', 'invoice.unfreeze', 'account.register', 'member.propose', 'member.vote'].map((t): [HostileSigner, string] => [s, t]),
    ...['invoice.issue', 'invoice.pay', 'asset.register', 'asset.transfer', 'account.register'].map((t): [HostileSigner, string] => [ctx.regulator, t]),
    [ctx.buyer, 'account.register'],
    [ctx.buyer, 'member.vote'],
  ];
  return fc.oneof(
    fc.tuple(otherChain, biz).map(([chain, b]) => post('wrong-chain', sign(s.key, chain, b.type, b.payload, s.nextNonce), 'WRONG_CHAIN_ID')),
    fc.tuple(fc.constantFrom(...TX_TYPES), biz).map(([type, b]) =>
      post('auditor-write', sign(ctx.auditor.key, ctx.chainId, type, b.payload, ctx.auditor.nextNonce), 'ROLE_NOT_ALLOWED')),
    fc.tuple(fc.constantFrom(...roleMisuse), biz).map(([[who, type], b]) =>
      post('wrong-role', sign(who.key, ctx.chainId, type, b.payload, who.nextNonce), 'ROLE_NOT_ALLOWED')),
    fc.tuple(fc.constantFrom(...ctx.strangers), fc.constantFrom(...TX_TYPES), biz, fc.nat(3)).map(([key, type, b, n]) =>
      post('unknown-signer', sign(key, ctx.chainId, type, b.payload, n), 'UNKNOWN_SIGNER')),
    fc.tuple(biz, fc.nat(63), fc.integer({ min: 1, max: 255 })).map(([b, at, mask]) => {
      const tx = sign(s.key, ctx.chainId, b.type, b.payload, s.nextNonce);
      const sig = Buffer.from(tx.signature, 'hex');
      sig[at] = (sig[at] as number) ^ mask;
      return post('bad-signature', { ...tx, signature: toHex(sig) }, 'BAD_SIGNATURE');
    }),
    fc.tuple(biz, fc.constantFrom('nonce', 'type', 'payload', 'signer')).map(([b, field]) => {
      const tx = sign(s.key, ctx.chainId, b.type, b.payload, s.nextNonce);
      // Each edit changes what was signed but passes every check made before the signature.
      const edited: TxBodyJson =
        field === 'nonce' ? { ...tx, nonce: tx.nonce + 1 }
        : field === 'type' ? { ...tx, type: b.type === 'invoice.accept' ? 'invoice.repay' : 'invoice.accept' }
        : field === 'payload' ? { ...tx, payload: { ...tx.payload, id: `${String(tx.payload['id'])}x` } }
        : { ...sign(s.key, ctx.chainId, b.type, b.payload, ctx.buyer.nextNonce), signer: ctx.buyer.id };
      // A type edit under a payload of another shape is refused by the new type's validator first.
      const code = field === 'type' && b.type !== 'invoice.accept' ? 'PAYLOAD_INVALID' : 'BAD_SIGNATURE';
      return post('tampered', edited, code);
    }),
    fc.constantFrom(...ctx.committed).map((tx): HostileRequest => ({ ...post('replay', tx), settled: true })),
    fc.tuple(biz, fc.nat(1_000_000)).map(([b, k]) =>
      post('nonce-too-high', sign(s.key, ctx.chainId, b.type, b.payload, s.nextNonce + ctx.maxNonceGap + k), 'NONCE_TOO_HIGH')),
    fc.tuple(fc.constantFrom('invoice.steal', 'asset.burn', 'account.delete', 'member.seize', 'x.y'), biz).map(([type, b]) =>
      post('unknown-type', sign(s.key, ctx.chainId, type, b.payload, s.nextNonce), 'UNKNOWN_TX_TYPE')),
  );
}

const JSONV = fc.jsonValue({ maxDepth: 3 });
const BAD_HEX = fc.oneof(
  fc.stringMatching(/^[0-9a-f]{0,130}$/),
  fc.constantFrom('zz'.repeat(32), '0x' + '00'.repeat(32), 'AB'.repeat(32), ' '.repeat(64), '0'.repeat(63), '0'.repeat(129)),
);
const ODD_NUMBER = fc.constantFrom(-1, 1.5, 2 ** 53, 1e21, -0, Number.MAX_VALUE, '1', '0x01', null, true, [], {});

/** A committed transaction with one field broken in type, format, or presence. */
function mutatedFields(ctx: HostileContext): fc.Arbitrary<HostileRequest> {
  const fields = ['chainId', 'type', 'signer', 'nonce', 'payload', 'signature'] as const;
  const base = fc.constantFrom(...ctx.committed);
  return fc.oneof(
    fc.tuple(base, fc.constantFrom(...fields), fc.oneof(JSONV, BAD_HEX, ODD_NUMBER)).map(([tx, f, v]) => post('field-value', { ...tx, [f]: v })),
    fc.tuple(base, fc.constantFrom(...fields)).map(([tx, f]) => {
      const copy: Record<string, unknown> = { ...tx };
      delete copy[f];
      return post('field-missing', copy);
    }),
    fc.tuple(base, fc.string({ maxLength: 10 }), JSONV).map(([tx, k, v]) => post('field-extra', { ...tx, [`x${k}`]: v })),
    fc.tuple(base, fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(JSONV, fc.double()), { maxKeys: 30 })).map(([tx, payload]) => post('payload', { ...tx, payload })),
    fc.tuple(base, fc.nat(40)).map(([tx, depth]) => {
      let deep: unknown = 1;
      for (let i = 0; i < depth + 10; i++) deep = { a: deep };
      return post('payload-deep', { ...tx, payload: { id: deep } });
    }),
  );
}

/** Bodies that are not a transaction at all. */
function rawBodies(ctx: HostileContext): fc.Arbitrary<HostileRequest> {
  const tx = JSON.stringify(ctx.committed[0]);
  return fc.oneof(
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      JSONV.map((v) => JSON.stringify(v)),
      fc.constantFrom('{', '[]', 'null', '"x"', '{"__proto__":{"a":1}}', '{"constructor":{"prototype":{}}}', '['.repeat(5000), tx.slice(0, -1)),
      fc.integer({ min: 65 * 1024, max: 300 * 1024 }).map((n) => `{"payload":"${'x'.repeat(n)}"}`),
    ).map((body) => ({ kind: 'raw-body', method: 'POST', path: '/v1/transactions', body, contentType: 'application/json' })),
    fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', 'application/json; charset=utf-16')
      .map((contentType) => ({ kind: 'content-type', method: 'POST', path: '/v1/transactions', body: tx, contentType })),
  );
}

const ROUTES = [
  '/v1/status', '/v1/transactions', '/v1/transactions/:a', '/v1/blocks/latest', '/v1/blocks/:a', '/v1/blocks', '/v1/invoices/:a',
  '/v1/invoices', '/v1/invoices/:a/history', '/v1/assets/:a', '/v1/assets', '/v1/assets/:a/history', '/v1/accounts/:a',
  '/v1/members', '/v1/proofs/state', '/v1/events', '/metrics', '/docs', '/', '/v1', '/v1/:a/:b',
];

function safeEncode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return 'x%ZZ';
  }
}

/** Reads and wrong methods on every route, with hostile and unknown ids and queries. */
function reads(ctx: HostileContext): fc.Arbitrary<HostileRequest> {
  const segment = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }).map(safeEncode),
    fc.string({ maxLength: 300 }).map(safeEncode),
    fc.constantFrom('..', '%00', '%ff', '%zz', '%', '-1', '0', '1.5', '0x10', '1e309', '9'.repeat(40), 'null', 'latest', ctx.knownHash, ...ctx.knownIds),
    fc.integer().map(String),
    fc.stringMatching(/^[0-9a-f]{64}$/),
    BAD_HEX.map(safeEncode),
  );
  const value = fc.oneof(segment, fc.constantFrom('1', '20', '100', '201', 'issued', 'financed', '00', 'zz', ''));
  const query = fc
    .array(fc.tuple(fc.constantFrom('from', 'limit', 'holder', 'status', 'owner', 'cursor', 'key', 'fromHeight', 'x', '__proto__'), value), { maxLength: 4 })
    .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));
  return fc
    .record({
      method: fc.constantFrom('GET', 'GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
      route: fc.constantFrom(...ROUTES),
      a: segment,
      b: segment,
      query,
      body: fc.option(JSONV.map((v) => JSON.stringify(v)), { nil: undefined }),
    })
    .map(({ method, route, a, b, query: q, body }) => ({
      kind: `read ${route}`, method, path: route.replace(':a', a).replace(':b', b) + q,
      ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body, contentType: 'application/json' } : {}),
    }));
}

/** Every kind of hostile request, weighted towards transactions (the writes that must never land). */
export function hostileRequest(ctx: HostileContext): fc.Arbitrary<HostileRequest> {
  return fc.oneof(
    { arbitrary: brokenSigned(ctx), weight: 5 },
    { arbitrary: mutatedFields(ctx), weight: 3 },
    { arbitrary: rawBodies(ctx), weight: 1 },
    { arbitrary: reads(ctx), weight: 4 },
  );
}
