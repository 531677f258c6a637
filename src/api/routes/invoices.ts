import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { ApiError } from '../errors.js';
import { pageOfHistory } from './history-page.js';
import { History, HistoryQuery, IdParams, PAGE_LIMITS } from '../schemas/common.js';
import { errorResponses } from '../schemas/error.js';
import { InvoiceJson, InvoicesPage, InvoicesQuery } from '../schemas/invoices.js';
import { mayReadInvoice } from '../scope.js';
import type { RouteOptions } from './route-options.js';

/** GET /v1/invoices/:id, /v1/invoices?holder=&status=&limit=&cursor=, /v1/invoices/:id/history?limit=&cursor=. */
export const invoiceRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { deps }) => {
  app.get(
    '/v1/invoices/:id',
    { schema: { tags: ['invoices'], summary: 'An invoice', params: IdParams, response: { 200: InvoiceJson, ...errorResponses(401, 404) } } },
    async (req) => {
      const inv = await deps.getInvoice(req.params.id);
      // Out of scope answers exactly as unknown (scope.ts).
      if (inv === null || !(await mayReadInvoice(deps, req.reader, inv))) throw new ApiError('NOT_FOUND', 'unknown invoice');
      return inv;
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
    { schema: { tags: ['invoices'], summary: 'Every change of an invoice, oldest first, one page at a time', params: IdParams, querystring: HistoryQuery, response: { 200: History, ...errorResponses(401, 404) } } },
    async (req) => {
      const inv = await deps.getInvoice(req.params.id);
      const entries = inv === null || !(await mayReadInvoice(deps, req.reader, inv)) ? null : await deps.invoiceHistory(req.params.id);
      if (entries === null) throw new ApiError('NOT_FOUND', 'unknown invoice');
      return { id: req.params.id, ...pageOfHistory(entries, req.query) };
    },
  );
};
