import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { ApiError } from '../errors.js';
import { pageOfHistory } from './history-page.js';
import { Type } from 'typebox';
import { assetKey } from '../../state/contracts/asset/keys.js';
import { provenHistory } from '../proven-history.js';
import { AssetProof, HistoryProofQuery, ProofQuery, ProvenHistory } from '../schemas/entity-proofs.js';
import { assetRecordJson, entityAnswer } from '../state-answer.js';
import { AssetJson, AssetsPage, AssetsQuery } from '../schemas/assets.js';
import { History, HistoryQuery, IdParams, PAGE_LIMITS } from '../schemas/common.js';
import { errorResponses } from '../schemas/error.js';
import { fullScope, mayReadAsset } from '../scope.js';
import type { RouteOptions } from './route-options.js';

/** GET /v1/assets/:id, /v1/assets?owner=&limit=&cursor=, /v1/assets/:id/history?limit=&cursor=. */
export const assetRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { deps }) => {
  app.get(
    '/v1/assets/:id',
    {
      schema: {
        tags: ['assets'],
        summary: 'A registered asset; with ?proof=true its stored record with a state proof (an absence proof when unknown, to readers of everything)',
        params: IdParams,
        querystring: ProofQuery,
        response: { 200: Type.Union([AssetJson, AssetProof]), ...errorResponses(401, 404) },
      },
    },
    async (req) => {
      const asset = await deps.getAsset(req.params.id);
      const proven = (): Promise<AssetProof> => entityAnswer(deps, assetKey(req.params.id), assetRecordJson);
      // Absence is provable only to readers of everything (see invoices.ts).
      if (asset === null && req.query.proof === 'true' && fullScope(req.reader) && deps.status().height > 0) return proven();
      // Out of scope answers exactly as unknown (scope.ts).
      if (asset === null || !mayReadAsset(req.reader, asset)) throw new ApiError('NOT_FOUND', 'unknown asset');
      return req.query.proof === 'true' ? proven() : asset;
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
    {
      schema: {
        tags: ['assets'],
        summary: 'Every change of an asset (who, what, height, tx hash), oldest first; with ?proof=true each with the inclusion proof of its transaction',
        params: IdParams,
        querystring: HistoryProofQuery,
        response: { 200: Type.Union([History, ProvenHistory]), ...errorResponses(401, 404) },
      },
    },
    async (req) => {
      const asset = await deps.getAsset(req.params.id);
      const entries = asset === null || !mayReadAsset(req.reader, asset) ? null : await deps.assetHistory(req.params.id);
      if (entries === null) throw new ApiError('NOT_FOUND', 'unknown asset');
      const page = pageOfHistory(entries, req.query);
      return req.query.proof === 'true' ? provenHistory(deps, req.params.id, page) : { id: req.params.id, ...page };
    },
  );
};
