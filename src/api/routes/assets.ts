import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { ApiError } from '../errors.js';
import { pageOfHistory } from './history-page.js';
import { AssetJson, AssetsPage, AssetsQuery } from '../schemas/assets.js';
import { History, HistoryQuery, IdParams, PAGE_LIMITS } from '../schemas/common.js';
import { errorResponses } from '../schemas/error.js';
import { mayReadAsset } from '../scope.js';
import type { RouteOptions } from './route-options.js';

/** GET /v1/assets/:id, /v1/assets?owner=&limit=&cursor=, /v1/assets/:id/history?limit=&cursor=. */
export const assetRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { deps }) => {
  app.get(
    '/v1/assets/:id',
    { schema: { tags: ['assets'], summary: 'A registered asset', params: IdParams, response: { 200: AssetJson, ...errorResponses(401, 404) } } },
    async (req) => {
      const asset = await deps.getAsset(req.params.id);
      // Out of scope answers exactly as unknown (scope.ts).
      if (asset === null || !mayReadAsset(req.reader, asset)) throw new ApiError('NOT_FOUND', 'unknown asset');
      return asset;
    },
  );

  app.get(
    '/v1/assets',
    {
      schema: {
        tags: ['assets'],
        summary: 'Assets, optionally by owner, one page at a time',
        querystring: AssetsQuery,
        response: { 200: AssetsPage, ...errorResponses(401) },
      },
    },
    async (req) => {
      const { owner, cursor } = req.query;
      const page = await deps.listAssets({
        limit: req.query.limit ?? PAGE_LIMITS.defaultLimit,
        ...(owner !== undefined && { owner }),
        ...(cursor !== undefined && { after: decodeCursor('assets', cursor) }),
      });
      if (page === null) throw new ApiError('INVALID_CURSOR', 'cursor is not a cursor of this assets list with this filter');
      return { items: page.items.filter((a) => mayReadAsset(req.reader, a)), nextCursor: page.next === null ? null : encodeCursor('assets', page.next) };
    },
  );

  app.get(
    '/v1/assets/:id/history',
    { schema: { tags: ['assets'], summary: 'Every change of an asset (who, what, height, tx hash), oldest first, one page at a time', params: IdParams, querystring: HistoryQuery, response: { 200: History, ...errorResponses(401, 404) } } },
    async (req) => {
      const asset = await deps.getAsset(req.params.id);
      const entries = asset === null || !mayReadAsset(req.reader, asset) ? null : await deps.assetHistory(req.params.id);
      if (entries === null) throw new ApiError('NOT_FOUND', 'unknown asset');
      return { id: req.params.id, ...pageOfHistory(entries, req.query) };
    },
  );
};
