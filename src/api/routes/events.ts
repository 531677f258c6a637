import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../errors.js';
import { errorResponses } from '../schemas/error.js';
import { BlockEventJson, EventsHeaders, EventsQuery } from '../schemas/events.js';
import { scopeBlockEvent } from '../scope.js';
import type { EventRouteOptions } from './route-options.js';

const description = [
  'Server-sent events, one per committed block in height order: `event: block`, `id: <height>`,',
  '`data:` a BlockEvent (JSON). Replays from storage from `fromHeight` (default: after the head),',
  'then follows new commits. On reconnect, Last-Event-ID (the last height seen) takes precedence',
  'over fromHeight, so an EventSource resumes where it stopped and misses nothing.',
].join(' ');

/** GET /v1/events: committed blocks and their transactions as server-sent events. */
export const eventRoutes: FastifyPluginAsyncTypebox<EventRouteOptions> = async (app, { deps, stream }) => {
  app.get(
    '/v1/events',
    {
      exposeHeadRoute: false,
      schema: {
        tags: ['events'],
        summary: 'Committed blocks as server-sent events',
        description,
        querystring: EventsQuery,
        headers: EventsHeaders,
        response: {
          200: {
            description: 'text/event-stream of `block` events; data is a BlockEvent',
            content: { 'text/event-stream': { schema: Type.String({ description: JSON.stringify(BlockEventJson) }) } },
          },
          ...errorResponses(401),
        },
      },
    },
    async (req, reply) => {
      if (!stream.hasRoom()) throw new ApiError('TOO_MANY_SUBSCRIBERS', 'too many event streams; retry later');
      const lastId = req.headers['last-event-id'];
      const from = lastId !== undefined ? Number(lastId) + 1 : (req.query.fromHeight ?? deps.status().height + 1);
      reply.hijack();
      const reader = req.reader;
      // The reader is resolved again for every block: a key rotated away ends the stream, a
      // role change narrows or widens what follows.
      stream.attach(reply.raw, from, reader === null ? undefined : (ev) => {
        const now = deps.reader(reader.publicKey);
        return now === null ? null : scopeBlockEvent(now, ev);
      });
    },
  );
};
