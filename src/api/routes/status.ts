import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toHex } from '../../util/bytes.js';
import { errorResponses } from '../schemas/error.js';
import { StatusJson } from '../schemas/status.js';
import type { RouteOptions } from './route-options.js';

/** GET /v1/status: identity, progress, health (`ready`) and catch-up state (`syncing`). */
export const statusRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { deps }) => {
  app.get(
    '/v1/status',
    { schema: { tags: ['node'], summary: 'Node status, health and readiness', response: { 200: StatusJson, ...errorResponses() } } },
    async () => {
      const s = deps.status();
      return {
        chainId: s.chainId,
        node: s.node,
        height: s.height,
        headHash: toHex(s.headHash),
        view: s.view,
        epoch: s.epoch,
        members: s.members,
        peersConnected: s.peersConnected,
        ready: s.ready,
        syncing: s.syncing,
      };
    },
  );
};
