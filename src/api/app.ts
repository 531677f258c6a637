import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { DecodeError } from '../codec/errors.js';
import type { ApiDeps } from './deps.js';
import { ApiError, isApiErrorCode, type ApiErrorCode } from './errors.js';
import { BlockEventStream, EVENT_STREAM_DEFAULTS, type EventStreamOptions } from './event-stream.js';
import { accountRoutes } from './routes/accounts.js';
import { assetRoutes } from './routes/assets.js';
import { blockRoutes } from './routes/blocks.js';
import { eventRoutes } from './routes/events.js';
import { invoiceRoutes } from './routes/invoices.js';
import { shapeOpenapi } from './openapi.js';
import { metricsRoutes } from './routes/metrics.js';
import { proofRoutes } from './routes/proofs.js';
import { READ_AUTH_DEFAULTS, ReadAuth, type ReadAuthOptions } from './read-auth.js';
import type { ReaderAccount } from './deps.js';
import { statusRoutes } from './routes/status.js';
import { transactionRoutes } from './routes/transactions.js';
import { strictValidatorCompiler } from './validator.js';

/** Per-client-IP request budget. */
export interface RateLimitOptions {
  readonly max: number;
  readonly timeWindowMs: number;
}

/** Construction options of the REST API. */
export interface ApiOptions {
  /** The node's `api` child logger; none = silent. Requests are logged at debug only. */
  readonly logger?: FastifyBaseLogger;
  /** Largest request body; a transaction is at most 16 KiB encoded. */
  readonly bodyLimitBytes?: number;
  /** Per-IP budget, or false to disable (benchmarks). */
  readonly rateLimit?: RateLimitOptions | false;
  /** Server-sent events tuning. */
  readonly events?: Partial<EventStreamOptions>;
  /** Trust X-Forwarded-For (only behind a proxy you run), so rate limits apply per real client. */
  readonly trustProxy?: boolean;
  /** Request latency by method, route pattern (not the URL: bounded labels) and status code. */
  readonly requestMetrics?: { observe(labels: { method: string; route: string; status: string }, seconds: number): void } | null;
  /**
   * Read authentication (read-auth.ts). `false` serves every read to anyone with full scope:
   * only for unit tests of route logic; the node never passes it.
   */
  readonly readAuth?: Partial<ReadAuthOptions> | false;
  /** Serve GET /metrics on this API (default true; false when it has its own listener). */
  readonly serveMetrics?: boolean;
  /** HTTPS: PEM certificate chain and key; with `ca`, clients must present a certificate it signed. */
  readonly https?: { readonly cert: Buffer; readonly key: Buffer; readonly ca?: Buffer };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated reader; null on public routes, or when read auth is off (full scope). */
    reader: ReaderAccount | null;
  }
  interface FastifyContextConfig {
    /** Served without a read token (health, docs, metrics, signed submissions). */
    public?: boolean;
  }
}

/** Defaults of ApiOptions. */
export const API_DEFAULTS = {
  bodyLimitBytes: 64 * 1024,
  // Generous: an integrator batch-submitting from one host should not hit it; a flood does.
  rateLimit: { max: 5_000, timeWindowMs: 1_000 },
} as const;

/**
 * Builds the REST API over `deps`. It never listens: node/ calls `listen`, and `close` ends
 * every event stream first so shutdown does not wait on open SSE connections.
 */
export function buildApi(opts: ApiOptions, deps: ApiDeps): FastifyInstance {
  const https = opts.https === undefined ? {} : {
    https: {
      cert: opts.https.cert, key: opts.https.key, minVersion: 'TLSv1.2' as const,
      ...(opts.https.ca !== undefined ? { ca: opts.https.ca, requestCert: true, rejectUnauthorized: true } : {}),
    },
  };
  // The https option changes only the server's type; the routes see the same request/reply.
  const app = Fastify({
    ...(https as object),
    ...(opts.logger !== undefined ? { loggerInstance: opts.logger } : { logger: false }),
    // PERF: per-request info logs cost ~40% of throughput (docs/measurements.md); see the debug hook below.
    logController: new LogController({ disableRequestLogging: true }),
    // PERF: no pino child per request (~0.7% of a member's CPU end to end: a bindings object
    // serialised for every POST); the few request log lines carry reqId themselves.
    childLoggerFactory: (logger) => logger,
    bodyLimit: opts.bodyLimitBytes ?? API_DEFAULTS.bodyLimitBytes,
    trustProxy: opts.trustProxy ?? false,
    routerOptions: { maxParamLength: 256 },
    // Undecodable URLs (/v1/%ff) and malformed HTTP get the one envelope too.
    frameworkErrors: (err, _req, reply) => {
      void (reply as FastifyReply).code(400).send({ error: { code: 'BAD_REQUEST' satisfies ApiErrorCode, message: err.message } });
    },
    clientErrorHandler: handleClientError,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // TypeBox validates: it rejects unknown fields instead of stripping them (Ajv's fastify default).
  app.setValidatorCompiler(strictValidatorCompiler);
  // Only JSON bodies; text/plain would reach the schema as a string and read as a type error.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(async (req, reply) =>
    reply.code(404).send({ error: { code: 'NOT_FOUND' satisfies ApiErrorCode, message: `no route ${req.method} ${req.url.split('?')[0] ?? ''}` } }),
  );
  const requestMetrics = opts.requestMetrics ?? null;
  if (requestMetrics !== null) {
    app.addHook('onResponse', async (req, reply) => {
      const route = req.routeOptions.url ?? 'unmatched';
      requestMetrics.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });
  }
  if (app.log.level === 'debug' || app.log.level === 'trace') {
    app.addHook('onResponse', async (req, reply) => {
      req.log.debug({ reqId: req.id, method: req.method, url: req.url, statusCode: reply.statusCode, ms: reply.elapsedTime }, 'Request completed');
    });
  }

  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Consortium ledger node',
        version: '1',
        description: 'REST API of one member node. Errors are {error: {code, message}}; bytes are lower-case hex. How to build and sign a transaction: docs/transactions.md; test vectors: test/fixtures/vectors.',
      },
      components: { securitySchemes: { readToken: { type: 'http', scheme: 'bearer', description: 'A read token signed by the current key of a registered account (docs/security.md)' } } },
    },
    transformObject: (doc) => shapeOpenapi(('openapiObject' in doc ? doc.openapiObject : doc.swaggerObject) as Record<string, unknown>),
  });
  if (opts.rateLimit !== false) {
    const rl = opts.rateLimit ?? API_DEFAULTS.rateLimit;
    void app.register(rateLimit, {
      max: rl.max,
      timeWindow: rl.timeWindowMs,
      errorResponseBuilder: (_req, ctx) => new ApiError('RATE_LIMITED', `rate limit exceeded, retry in ${ctx.after}`),
    });
  }

  // Every read needs a token (read-auth.ts) except routes marked public. Unknown routes answer
  // 404 unauthenticated: that a path does not exist is no one's data.
  app.decorateRequest('reader', null);
  if (opts.readAuth !== false) {
    const auth = new ReadAuth({ ...READ_AUTH_DEFAULTS, ...opts.readAuth }, { chainId: () => deps.status().chainId, reader: (k) => deps.reader(k) });
    app.addHook('onRequest', async (req) => {
      const url = req.routeOptions.url;
      if (url === undefined || req.routeOptions.config.public === true || url === '/docs' || url.startsWith('/docs/')) return;
      req.reader = auth.authenticate(req.headers.authorization);
    });
  }

  const stream = new BlockEventStream({ ...EVENT_STREAM_DEFAULTS, ...opts.events }, deps, app.log);
  app.addHook('preClose', async () => stream.close());

  void app.register(statusRoutes, { deps });
  void app.register(transactionRoutes, { deps });
  void app.register(blockRoutes, { deps });
  void app.register(invoiceRoutes, { deps });
  void app.register(assetRoutes, { deps });
  void app.register(accountRoutes, { deps });
  void app.register(proofRoutes, { deps });
  void app.register(eventRoutes, { deps, stream });
  if (opts.serveMetrics !== false) void app.register(metricsRoutes, { deps });
  // The interactive page and its assets are served from the package itself (no CDN), to
  // anyone: they describe the API and hold no data (docs/security.md).
  void app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, uiConfig: { deepLinking: true, tryItOutEnabled: false } });
  return app;
}

type HandledError = FastifyError & { validation?: unknown };

// Errors below HTTP (a request Node's parser refuses): answered on the raw socket, as fastify's
// default does, but in the envelope. ECONNRESET and dead sockets need no answer.
function handleClientError(err: Error & { code?: string }, socket: import('node:stream').Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, message] =
    err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large', 'request headers too large']
    : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout', 'request timed out']
    : [400, 'Bad Request', 'malformed HTTP request'];
  const body = JSON.stringify({ error: { code: 'BAD_REQUEST' satisfies ApiErrorCode, message } });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy();
}

/** Status, code and message for any error: one envelope, no internals in a 5xx. */
export function classifyError(err: HandledError, requestId: string): { status: number; code: ApiErrorCode; message: string } {
  if (err instanceof ApiError) return { status: err.statusCode, code: err.code, message: err.message };
  if (err instanceof DecodeError) return { status: 400, code: err.code, message: err.message };
  if (err.validation !== undefined) return { status: 400, code: 'VALIDATION_FAILED', message: validationMessage(err) };
  const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
  if (status >= 400 && status < 500) {
    if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err instanceof SyntaxError) {
      return { status, code: 'INVALID_JSON', message: err.message };
    }
    const byStatus: Partial<Record<number, ApiErrorCode>> = { 404: 'NOT_FOUND', 413: 'BODY_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE', 429: 'RATE_LIMITED' };
    const code = byStatus[status] ?? (typeof err.code === 'string' && isApiErrorCode(err.code) ? err.code : 'BAD_REQUEST');
    return { status, code, message: err.message };
  }
  return { status: 500, code: 'INTERNAL_ERROR', message: `internal error (request ${requestId})` };
}

// Fastify joins every schema error ("body/x schema is false, body must not have additional
// properties"); the first error that names a keyword other than the boolean schema is clearer.
function validationMessage(err: HandledError): string {
  const errors = Array.isArray(err.validation) ? (err.validation as { keyword?: string; instancePath?: string; message?: string }[]) : [];
  const e = errors.find((x) => x.keyword !== 'boolean') ?? errors[0];
  const where = `${err.validationContext ?? 'request'}${e?.instancePath ?? ''}`;
  return e?.message !== undefined ? `${where} ${e.message}` : err.message;
}

async function handleError(this: FastifyInstance, err: HandledError, req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const { status, code, message } = classifyError(err, req.id);
  if (status >= 500) req.log.error({ reqId: req.id, err, method: req.method, url: req.url }, 'Request failed');
  else req.log.debug({ reqId: req.id, code, status }, 'Request refused');
  return reply.code(status).send({ error: { code, message } });
}
