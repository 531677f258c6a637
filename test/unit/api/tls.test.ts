import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../../../src/api/app.js';
import { httpsFetch } from '../../helpers/https-fetch.js';
import { FakeNode } from './fake-node.js';

// REST over HTTPS with client certificates (mTLS): a client the CA signed is served, one
// without a certificate is refused during the handshake.
const dir = 'test/fixtures/tls';
let app: FastifyInstance;
let url: string;
let ca: Buffer;

beforeAll(async () => {
  ca = await readFile(`${dir}/ca.crt`);
  app = buildApi({ rateLimit: false, https: { cert: await readFile(`${dir}/server.crt`), key: await readFile(`${dir}/server.key`), ca } }, new FakeNode());
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `https://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(() => app.close());

describe('HTTPS with client certificates', () => {
  test('a client certificate signed by the CA is served; none is refused at the handshake', async () => {
    const withCert = httpsFetch({ ca, cert: await readFile(`${dir}/client.crt`), key: await readFile(`${dir}/client.key`) });
    expect((await withCert(`${url}/v1/status`)).status).toBe(200);
    await expect(httpsFetch({ ca })(`${url}/v1/status`)).rejects.toThrow();
  });
});
