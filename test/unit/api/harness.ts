import type { AddressInfo } from 'node:net';
import { buildApi, type ApiOptions } from '../../../src/api/app.js';
import type { FastifyInstance } from 'fastify';
import { FakeNode } from './fake-node.js';

/** A running API on 127.0.0.1 over a FakeNode. */
export interface RunningApi {
  readonly app: FastifyInstance;
  readonly node: FakeNode;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Builds the API over `node` and listens on an ephemeral loopback port. Rate limit and read
 * authentication off unless given (these tests are of route logic; auth has its own tests).
 */
export async function startApi(node: FakeNode = new FakeNode(), opts: ApiOptions = { rateLimit: false, readAuth: false }): Promise<RunningApi> {
  const app = buildApi(opts, node);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const close = async (): Promise<void> => {
    const closing = app.close();
    // fetch (undici) may hold a connection that never sent a request; Node's graceful close
    // waits for the client to drop it (4 s). Tests tear down at once.
    app.server.closeAllConnections();
    await closing;
  };
  return { app, node, url: `http://127.0.0.1:${port}`, close };
}
