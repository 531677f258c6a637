import { API_ERRORS, type ApiErrorCode, type SubmitRejectCode } from './errors.js';
import { exampleAnswers, exampleSubmissions } from './openapi-examples.js';
import { TX_PAYLOAD_SCHEMAS, TX_REJECTIONS, type PayloadSchemaType } from './schemas/tx-payloads.js';

// Shapes the document @fastify/swagger generates from the route schemas into one an integrator
// can code against: an operationId per route, the codes each route can answer with, an example
// of every request and answer, the submission body as a union of one schema per transaction
// type (discriminated by `type`), and every titled schema as a shared component ($ref).

type Json = Record<string, unknown>;

/** Codes every route can answer with (schema validation, rate limit, bugs). */
const COMMON: readonly ApiErrorCode[] = ['VALIDATION_FAILED', 'BAD_REQUEST', 'RATE_LIMITED', 'INTERNAL_ERROR'];
const READ: readonly ApiErrorCode[] = [...COMMON, 'UNAUTHORIZED'];
const LIST: readonly ApiErrorCode[] = [...READ, 'INVALID_CURSOR'];
const ONE: readonly ApiErrorCode[] = [...READ, 'NOT_FOUND'];
const ADMISSION = [
  'WRONG_CHAIN_ID', 'UNKNOWN_TX_TYPE', 'UNKNOWN_SIGNER', 'ROLE_NOT_ALLOWED', 'NONCE_TOO_LOW', 'NONCE_TOO_HIGH', 'PAYLOAD_INVALID',
  'DUPLICATE_TX', 'POOL_FULL', 'BAD_SIGNATURE', 'NODE_NOT_READY',
] as const satisfies readonly SubmitRejectCode[];

/** operationId and error codes of every route, keyed `METHOD path` as OpenAPI spells the path. */
export const OPERATIONS: Record<string, { readonly operationId: string; readonly codes: readonly ApiErrorCode[] }> = {
  'GET /v1/status': { operationId: 'getStatus', codes: COMMON },
  'GET /v1/genesis': { operationId: 'getGenesis', codes: READ },
  'POST /v1/transactions': {
    operationId: 'submitTransaction',
    codes: [...COMMON, 'INVALID_JSON', 'DECODE_MALFORMED', 'DECODE_TOO_LARGE', 'DECODE_NON_CANONICAL', 'DECODE_BAD_FIELD', ...ADMISSION, 'BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'],
  },
  'GET /v1/transactions/{hash}': { operationId: 'getTransaction', codes: [...READ, 'TX_UNKNOWN'] },
  'GET /v1/blocks/latest': { operationId: 'getLatestBlock', codes: ONE },
  'GET /v1/blocks/{height}': { operationId: 'getBlock', codes: ONE },
  'GET /v1/blocks': { operationId: 'listBlocks', codes: LIST },
  'GET /v1/invoices/{id}': { operationId: 'getInvoice', codes: ONE },
  'GET /v1/invoices': { operationId: 'listInvoices', codes: LIST },
  'GET /v1/invoices/{id}/history': { operationId: 'getInvoiceHistory', codes: [...ONE, 'INVALID_CURSOR'] },
  'GET /v1/assets/{id}': { operationId: 'getAsset', codes: ONE },
  'GET /v1/assets': { operationId: 'listAssets', codes: LIST },
  'GET /v1/assets/{id}/history': { operationId: 'getAssetHistory', codes: [...ONE, 'INVALID_CURSOR'] },
  'GET /v1/accounts/{publicKey}': { operationId: 'getAccount', codes: ONE },
  'GET /v1/members': { operationId: 'listMembers', codes: READ },
  'GET /v1/proofs/state': { operationId: 'getStateProof', codes: ONE },
  'GET /v1/events': { operationId: 'streamBlockEvents', codes: [...READ, 'TOO_MANY_SUBSCRIBERS'] },
  'GET /metrics': { operationId: 'getMetrics', codes: COMMON },
};

const txSchemaName = (type: string): string => `${type.split('.').map((w) => (w[0] ?? '').toUpperCase() + w.slice(1)).join('')}Tx`;

/** The POST /v1/transactions body: one envelope schema per type, discriminated by `type`. */
function submissionBody(envelope: Json, schemas: Json): Json {
  const props = (envelope['properties'] ?? {}) as Json;
  const mapping: Record<string, string> = {};
  for (const [type, payload] of Object.entries(TX_PAYLOAD_SCHEMAS) as unknown as [PayloadSchemaType, Json][]) {
    const name = txSchemaName(type);
    mapping[type] = `#/components/schemas/${name}`;
    schemas[name] = {
      type: 'object',
      title: name,
      description: `A signed \`${type}\` (docs/transactions.md). Once in a block its receipt is ok, or refused with one of: ${TX_REJECTIONS[type].join(', ')}.`,
      required: ['chainId', 'type', 'signer', 'nonce', 'payload', 'signature'],
      additionalProperties: false,
      properties: { ...props, type: { type: 'string', const: type }, payload: JSON.parse(JSON.stringify(payload)) as Json },
      'x-rejection-codes': [...TX_REJECTIONS[type]],
    };
  }
  return { oneOf: Object.values(mapping).map(($ref) => ({ $ref })), discriminator: { propertyName: 'type', mapping } };
}

function errorDescription(codes: readonly ApiErrorCode[]): string {
  return codes.map((c) => `\`${c}\`: ${API_ERRORS[c].description}`).join('\n\n');
}

// Moves every schema with a title into components.schemas and points to it. Two different
// schemas under one title are a bug of the schema files: refused loudly.
function hoist(node: unknown, schemas: Json, top = true): unknown {
  if (Array.isArray(node)) return node.map((n) => hoist(n, schemas, false));
  if (typeof node !== 'object' || node === null) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'example' || k === 'examples' ? v : hoist(v, schemas, false);
  const title = out['title'];
  if (!top && typeof title === 'string' && /^[A-Za-z0-9]+$/.test(title) && (out['type'] === 'object')) {
    const prev = schemas[title];
    if (prev !== undefined && JSON.stringify(prev) !== JSON.stringify(out)) throw new Error(`two different schemas are titled ${title}`);
    schemas[title] = out;
    return { $ref: `#/components/schemas/${title}` };
  }
  return out;
}

/** @fastify/swagger's transformObject: the generated document, made one to code against. */
export function shapeOpenapi(doc: Json): Json {
  const components = ((doc['components'] ??= {}) as Json);
  const schemas = ((components['schemas'] ??= {}) as Json);
  const answers = exampleAnswers();
  const paths = (doc['paths'] ?? {}) as Record<string, Record<string, Json>>;
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const key = `${method.toUpperCase()} ${path}`;
      const spec = OPERATIONS[key];
      if (spec === undefined) throw new Error(`route ${key} has no entry in OPERATIONS (src/api/openapi.ts)`);
      op['operationId'] = spec.operationId;
      if (spec.codes.includes('UNAUTHORIZED')) op['security'] = [{ readToken: [] }];
      const body = (op['requestBody'] as Json | undefined)?.['content'] as Record<string, Json> | undefined;
      if (key === 'POST /v1/transactions' && body?.['application/json'] !== undefined) {
        const media = body['application/json'];
        media['schema'] = submissionBody(media['schema'] as Json, schemas);
        media['examples'] = Object.fromEntries(Object.entries(exampleSubmissions()).map(([type, value]) => [type, { summary: type, value }]));
      }
      for (const [status, res] of Object.entries((op['responses'] ?? {}) as Record<string, Json>)) {
        const content = (res['content'] ?? {}) as Record<string, Json>;
        const answer = answers[`${key} ${status}`];
        if (answer !== undefined) {
          for (const media of Object.values(content)) media['example'] = answer;
          continue;
        }
        const codes = spec.codes.filter((c) => String(API_ERRORS[c].status) === status);
        if (codes.length === 0) continue;
        res['description'] = `Error envelope; \`error.code\` is one of:\n\n${errorDescription(codes)}`;
        res['x-error-codes'] = codes;
        for (const media of Object.values(content)) media['example'] = { error: { code: codes[0], message: API_ERRORS[codes[0] as ApiErrorCode].description } };
      }
    }
  }
  doc['paths'] = hoist(paths, schemas, false);
  // Hoisting a component may add components (its titled parts): until none is left unvisited.
  const done = new Set<string>();
  for (let todo = Object.keys(schemas); todo.length > 0; todo = Object.keys(schemas).filter((k) => !done.has(k))) {
    for (const k of todo) {
      done.add(k);
      schemas[k] = hoist(schemas[k], schemas, true);
    }
  }
  return doc;
}
