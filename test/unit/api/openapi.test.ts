import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { API_ERROR_CODES } from '../../../src/api/errors.js';
import { TX_REJECTIONS } from '../../../src/api/schemas/tx-payloads.js';
import { TX_TYPES } from '../../../src/client/tx-payloads.js';
import { startApi, type RunningApi } from './harness.js';

// docs/api.md: every path of the contract, as OpenAPI templates.
const SPEC_PATHS = [
  '/v1/status', '/v1/genesis', '/v1/transactions', '/v1/transactions/{hash}', '/v1/blocks/{height}', '/v1/blocks/latest', '/v1/blocks',
  '/v1/invoices/{id}', '/v1/invoices', '/v1/invoices/{id}/history', '/v1/assets/{id}', '/v1/assets', '/v1/assets/{id}/history',
  '/v1/accounts/{publicKey}', '/v1/members', '/v1/proofs/state', '/v1/events', '/metrics',
];

type Media = { schema: unknown; example?: unknown; examples?: Record<string, { value: unknown }> };
type Op = { operationId?: string; requestBody?: { content: Record<string, Media> }; responses: Record<string, { content?: Record<string, Media>; 'x-error-codes'?: string[] }> };
type Doc = { openapi: string; paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, any> } };

describe('OpenAPI document', () => {
  let api: RunningApi;
  let doc: Doc;
  beforeAll(async () => {
    api = await startApi();
    const res = await fetch(`${api.url}/docs/json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as Doc;
  });
  afterAll(() => api.close());

  test('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  test('/docs is an interactive HTML page served locally (no CDN), /docs/json the document, both without a token', async () => {
    const page = await fetch(`${api.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    // Every script and stylesheet it loads comes from this node.
    for (const m of html.matchAll(/(?:src|href)="([^"]+)"/g)) expect(m[1], 'asset from elsewhere').not.toMatch(/^(https?:)?\/\//);
    const init = await fetch(`${api.url}/docs/static/swagger-initializer.js`);
    expect(init.status).toBe(200);
    expect(await init.text()).toContain('./json');
    expect(((await (await fetch(`${api.url}/docs/json`)).json()) as Doc).paths).toEqual(doc.paths);
  });

  test('every operation has a unique operationId', () => {
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('the submission body is one schema per transaction type, discriminated by type, each with its rejection codes', () => {
    const body = doc.paths['/v1/transactions']?.['post']?.requestBody?.content['application/json'];
    const schema = body?.schema as { oneOf: { $ref: string }[]; discriminator: { propertyName: string; mapping: Record<string, string> } };
    expect(schema.discriminator.propertyName).toBe('type');
    expect(Object.keys(schema.discriminator.mapping).sort()).toEqual([...TX_TYPES].sort());
    expect(schema.oneOf).toHaveLength(TX_TYPES.length);
    for (const [type, ref] of Object.entries(schema.discriminator.mapping)) {
      const tx = doc.components.schemas[ref.replace('#/components/schemas/', '')];
      expect(tx.properties.type.const, ref).toBe(type);
      expect(tx.properties.payload.$ref, `${type} payload is a shared component`).toMatch(/^#\/components\/schemas\/[A-Za-z]+Payload$/);
      expect(tx['x-rejection-codes']).toEqual(TX_REJECTIONS[type as keyof typeof TX_REJECTIONS]);
    }
    expect(Object.keys(body?.examples ?? {}).sort()).toEqual([...TX_TYPES].sort());
  });

  test('shared schemas are $ref components', () => {
    const text = JSON.stringify(doc);
    for (const name of ['Block', 'Tx', 'Header', 'QuorumCert', 'Invoice', 'Asset', 'HistoryEntry', 'ErrorEnvelope', 'TxAnswer']) {
      expect(doc.components.schemas[name], name).toBeDefined();
      expect(text).toContain(`"$ref":"#/components/schemas/${name}"`);
    }
  });

  test('every request and answer has an example, and each example is valid against its schema', async () => {
    const deref = (await SwaggerParser.dereference(structuredClone(doc) as never)) as unknown as Doc;
    const ajv = new Ajv2020({ strict: false, allErrors: false });
    ajv.addKeyword('discriminator');
    let checked = 0;
    const check = (where: string, schema: unknown, value: unknown): void => {
      const valid = ajv.validate(schema as object, value);
      expect(valid, `${where}: ${ajv.errorsText(ajv.errors)}`).toBe(true);
      checked++;
    };
    for (const [path, ops] of Object.entries(deref.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
          const examples = Object.entries(media.examples ?? {});
          expect(examples.length, `${method} ${path} request ${type}`).toBeGreaterThan(0);
          for (const [name, ex] of examples) check(`${method} ${path} request ${name}`, media.schema, ex.value);
        }
        for (const [status, res] of Object.entries(op.responses)) {
          for (const [type, media] of Object.entries(res.content ?? {})) {
            expect(media.example, `${method} ${path} ${status} ${type} has no example`).toBeDefined();
            if (type === 'application/json') check(`${method} ${path} ${status}`, media.schema, media.example);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(80);
  });

  test('each route documents the codes it answers with', () => {
    const codes = (path: string, method: string, status: string): string[] => doc.paths[path]?.[method]?.responses[status]?.['x-error-codes'] ?? [];
    for (const path of ['/v1/blocks', '/v1/invoices', '/v1/assets', '/v1/invoices/{id}/history']) expect(codes(path, 'get', '400')).toContain('INVALID_CURSOR');
    expect(codes('/v1/invoices/{id}', 'get', '400')).not.toContain('INVALID_CURSOR');
    expect(codes('/v1/transactions', 'post', '400')).toEqual(expect.arrayContaining(['PAYLOAD_INVALID', 'BAD_SIGNATURE', 'NONCE_TOO_LOW', 'UNKNOWN_TX_TYPE']));
    expect(codes('/v1/transactions', 'post', '429')).toContain('POOL_FULL');
    expect(codes('/v1/invoices/{id}', 'get', '401')).toEqual(['UNAUTHORIZED']);
    expect(codes('/v1/status', 'get', '401')).toEqual([]);
  });

  test('/v1/status documents the running version and commit as required fields', () => {
    const ok = doc.paths['/v1/status']?.['get']?.responses['200'] as { content: Record<string, { schema: { $ref: string } }> };
    expect(ok.content['application/json']?.schema.$ref).toBe('#/components/schemas/Status');
    const schema = doc.components.schemas['Status'] as { required: string[]; properties: Record<string, { type: string }> };
    expect(schema?.required).toEqual(expect.arrayContaining(['version', 'commit']));
    expect(schema?.properties['version']?.type).toBe('string');
    expect(schema?.properties['commit']?.type).toBe('string');
  });

  test('documents every SPEC route and nothing undocumented', () => {
    expect(Object.keys(doc.paths).sort()).toEqual([...SPEC_PATHS].sort());
  });

  test('lists every error code, and every route documents its error responses', () => {
    const text = JSON.stringify(doc);
    for (const code of API_ERROR_CODES) expect(text, `error code ${code} missing from OpenAPI`).toContain(`"${code}"`);
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const status of ['400', '429', '500']) expect(op.responses, `${method} ${path} lacks ${status}`).toHaveProperty(status);
      }
    }
  });
});
