import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { ApiError } from '../errors.js';
import { pageOfHistory } from './history-page.js';
import { History, HistoryQuery, IdParams, PAGE_LIMITS } from '../schemas/common.js';
import { Type } from 'typebox';
import { invoiceKey } from '../../state/contracts/invoice/keys.js';
import { provenHistory } from '../proven-history.js';
import { InvoiceProof, HistoryProofQuery, ProofQuery, ProvenHistory } from '../schemas/entity-proofs.js';
import { entityAnswer, invoiceRecordJson } from '../state-answer.js';
import { errorResponses } from '../schemas/error.js';
import { InvoiceJson, InvoicesPage, InvoicesQuery } from '../schemas/invoices.js';
import { fullScope, mayReadInvoice } from '../scope.js';
import type { RouteOptions } from './route-options.js';

/** GET /v1/invoices/:id, /v1/invoices?holder=&status=&limit=&cursor=, /v1/invoices/:id/history?limit=&cursor=. */
export const invoiceRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { deps }) => {
  app.get(
    '/v1/invoices/:id',
    {
      schema: {
        tags: ['invoices'],
        summary: 'An invoice; with ?proof=true its stored record with a state proof (an absence proof when unknown, to readers of everything)',
        params: IdParams,
        querystring: ProofQuery,
        response: { 200: Type.Union([InvoiceJson, InvoiceProof]), ...errorResponses(401, 404) },
      },
    },
    async (req) => {
      const inv = await deps.getInvoice(req.params.id);
      const proven = (): Promise<InvoiceProof> => entityAnswer(deps, invoiceKey(req.params.id), invoiceRecordJson);
      // Absence is provable only to readers of everything: to others it would tell an unknown
      // invoice from one out of their scope.
      if (inv === null && req.query.proof === 'true' && fullScope(req.reader) && deps.status().height > 0) return proven();
      // Out of scope answers exactly as unknown (scope.ts).
      if (inv === null || !(await mayReadInvoice(deps, req.reader, inv))) throw new ApiError('NOT_FOUND', 'unknown invoice');
      return req.query.proof === 'true' ? proven() : inv;
    },
  );

  app.get(
    '/v1/invoices',
    {
      schema: {
        tags: ['invoices'],
        summary: 'Invoices, optionally by holder and status, one page at a time',
        querystring: InvoicesQuery,
        response: { 200: InvoicesPage, ...errorResponses(401) },
      },
    },
    async (req) => {
      const { holder, status, cursor } = req.query;
      const page = await deps.listInvoices({
        limit: req.query.limit ?? PAGE_LIMITS.defaultLimit,
        ...(holder !== undefined && { holder }),
        ...(status !== undefined && { status }),
        ...(cursor !== undefined && { after: decodeCursor('invoices', cursor) }),
      });
      if (page === null) throw new ApiError('INVALID_CURSOR', 'cursor is not a cursor of this invoices list with these filters');
      const items = [];
      for (const i of page.items) if (await mayReadInvoice(deps, req.reader, i)) items.push(i);
      return { items, nextCursor: page.next === null ? null : encodeCursor('invoices', page.next) };
    },
  );

  app.get(
    '/v1/invoices/:id/history',
    {
      schema: {
        tags: ['invoices'],
        summary: 'Every change of an invoice, oldest first; with ?proof=true each with the inclusion proof of its transaction',
        params: IdParams,
        querystring: HistoryProofQuery,
        response: { 200: Type.Union([History, ProvenHistory]), ...errorResponses(401, 404) },
      },
    },
    async (req) => {
      const inv = await deps.getInvoice(req.params.id);
      const entries = inv === null || !(await mayReadInvoice(deps, req.reader, inv)) ? null : await deps.invoiceHistory(req.params.id);
      if (entries === null) throw new ApiError('NOT_FOUND', 'unknown invoice');
      const page = pageOfHistory(entries, req.query);
      return req.query.proof === 'true' ? provenHistory(deps, req.params.id, page) : { id: req.params.id, ...page };
    },
  );
};
