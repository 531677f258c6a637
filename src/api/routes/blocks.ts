import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { decodeCursor, encodeCursor, positionU64, u64Position } from '../cursor.js';
import { ApiError } from '../errors.js';
import { blockToJson } from '../json.js';
import { BlocksPage, BlocksQuery, HeightParams } from '../schemas/blocks.js';
import { BlockJson } from '../schemas/chain.js';
import { PAGE_LIMITS } from '../schemas/common.js';
import { errorResponses } from '../schemas/error.js';
import { scopeBlock } from '../scope.js';
import type { RouteOptions } from './route-options.js';

/** GET /v1/blocks/latest, /v1/blocks/:height and /v1/blocks?from=&limit=&cursor=. */
export const blockRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { deps }) => {
  const one = { 200: BlockJson, ...errorResponses(401, 404) };

  app.get('/v1/blocks/latest', { schema: { tags: ['blocks'], summary: 'The latest committed block', response: one } }, async (req) => {
    const height = deps.status().height;
    const rec = height === 0 ? null : await deps.getBlock(height);
    if (rec === null) throw new ApiError('NOT_FOUND', 'no block committed yet');
    return scopeBlock(req.reader, blockToJson(rec));
  });

  app.get(
    '/v1/blocks/:height',
    { schema: { tags: ['blocks'], summary: 'A committed block by height', params: HeightParams, response: one } },
    async (req) => {
      const rec = await deps.getBlock(req.params.height);
      if (rec === null) throw new ApiError('NOT_FOUND', `no block at height ${req.params.height}`);
      return scopeBlock(req.reader, blockToJson(rec));
    },
  );

  app.get(
    '/v1/blocks',
    {
      schema: {
        tags: ['blocks'],
        summary: 'Committed blocks in height order from `from` (default 1); pass `nextCursor` as `cursor` for the rest (it wins over `from`)',
        querystring: BlocksQuery,
        response: { 200: BlocksPage, ...errorResponses(401) },
      },
    },
    async (req) => {
      const { cursor } = req.query;
      // The cursor is the last height served.
      const from = cursor !== undefined ? positionU64('blocks', decodeCursor('blocks', cursor)) + 1 : (req.query.from ?? 1);
      const limit = req.query.limit ?? PAGE_LIMITS.defaultLimit;
      const head = deps.status().height;
      const items = [];
      for (let h = from; h <= head && h < from + limit; h++) {
        const rec = await deps.getBlock(h);
        if (rec === null) break;
        items.push(scopeBlock(req.reader, blockToJson(rec)));
      }
      const last = from + items.length - 1;
      return { items, nextCursor: items.length > 0 && last < head ? encodeCursor('blocks', u64Position(last)) : null };
    },
  );
};
