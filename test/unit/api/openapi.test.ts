import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { API_ERROR_CODES } from '../../../src/api/errors.js';
import { startApi, type RunningApi } from './harness.js';

// docs/api.md: every path of the contract, as OpenAPI templates.
const SPEC_PATHS = [
  '/v1/status', '/v1/genesis', '/v1/transactions', '/v1/transactions/{hash}', '/v1/blocks/{height}', '/v1/blocks/latest', '/v1/blocks',
  '/v1/invoices/{id}', '/v1/invoices', '/v1/invoices/{id}/history', '/v1/assets/{id}', '/v1/assets', '/v1/assets/{id}/history',
  '/v1/accounts/{publicKey}', '/v1/members', '/v1/proofs/state', '/v1/events', '/metrics',
];

type Doc = { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };

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

  test('/docs serves the same document', async () => {
    expect(await (await fetch(`${api.url}/docs`)).json()).toEqual(doc);
  });

  test('/v1/status documents the running version and commit as required fields', () => {
    const ok = doc.paths['/v1/status']?.['get']?.responses['200'] as { content: Record<string, { schema: { required: string[]; properties: Record<string, { type: string }> } }> };
    const schema = ok.content['application/json']?.schema;
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
