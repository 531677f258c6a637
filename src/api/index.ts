/**
 * The REST API of a node (docs/api.md): Fastify 5, schema-first with TypeBox.
 *
 * - buildApi(opts, deps) (app.ts) returns a Fastify instance and never listens; node/ calls
 *   listen and close. deps (ApiDeps, deps.ts) is the narrow view of the node it reads.
 * - schemas/ holds every request and response schema: the only source of validation, of the
 *   handlers' TS types and of the OpenAPI document served at /docs and /docs/json.
 * - routes/ has one async plugin per resource: status, transactions, blocks, invoices,
 *   assets, accounts (+ members), proofs, events (SSE), metrics.
 * - errors.ts is the one table from error codes to HTTP statuses; the root error handler
 *   answers every failure as {error: {code, message}}. Bad input is always 4xx; a 5xx is a
 *   bug and its message is generic (details go to the log with the request id).
 * - Answers about transactions and state carry proofs and the commit certificate of their
 *   header (finality.ts), checkable with src/client/verify.ts and the member set alone.
 * - event-stream.ts serves /v1/events as cursors over the block store: replay and live are
 *   one loop, so memory per client is bounded however slow it is.
 * Requests are logged at debug only (per-request info logs cost ~40% of throughput).
 * Tests: test/unit/api (real HTTP over a fake node, OpenAPI validation, 10,000 hostile
 * requests); bench/api-submit.bench.ts measures POST /v1/transactions.
 */
export { buildApi, classifyError, API_DEFAULTS, type ApiOptions, type RateLimitOptions } from './app.js';
export type * from './deps.js';
export { API_ERRORS, API_ERROR_CODES, ApiError, type ApiErrorCode, type SubmitRejectCode } from './errors.js';
export { EVENT_STREAM_DEFAULTS, type EventStreamOptions } from './event-stream.js';
