import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses } from '../schemas/error.js';
import type { RouteOptions } from './route-options.js';

/** GET /metrics: the node's Prometheus registry in the text exposition format. */
export const metricsRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { deps }) => {
  app.get(
    '/metrics',
    {
      config: { public: true },
      schema: {
        tags: ['node'],
        summary: 'Prometheus metrics',
        response: {
          200: { description: 'Prometheus text format 0.0.4', content: { 'text/plain': { schema: Type.String() } } },
          ...errorResponses(),
        },
      },
    },
    async (_req, reply) => {
      const body = await deps.metricsRegistry.metrics();
      return reply.type(deps.metricsRegistry.contentType).send(body);
    },
  );
};
