import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import { ApiError } from '../errors.js';

// GET /console: the auditor's console (src/console), bundled by `npm run build` into
// dist/console. A handful of small files, read once at start and served from memory, public
// like /docs: they hold no ledger data, and the page reads the ledger with the auditor's own
// token and verifies every answer itself. Every asset comes from the node (no CDN), which the
// Content-Security-Policy also enforces.

/** Where `npm run build` puts the bundle, seen from dist/src/api/routes/. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../../console/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

async function loadDir(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return files;
  }
  for (const n of names) if (TYPES[extname(n)] !== undefined) files.set(n, await readFile(join(dir, n)));
  return files;
}

/** Serves the files of `dir` under /console/. */
export function consoleRoutes(dir: string): FastifyPluginAsync {
  return async (app) => {
    const files = await loadDir(dir);
    const send = (name: string, reply: import('fastify').FastifyReply): unknown => {
      const body = files.get(name);
      if (body === undefined) {
        throw new ApiError('NOT_FOUND', files.size === 0 ? 'the console is not built on this node (npm run build)' : `no console file ${name}`);
      }
      return reply.headers(HEADERS).type(TYPES[extname(name)] as string).send(body);
    };
    const opts = { schema: { hide: true }, config: { public: true } };
    app.get('/console', opts, async (_req, reply) => reply.redirect('/console/'));
    app.get('/console/', opts, async (_req, reply) => send('index.html', reply));
    app.get<{ Params: { file: string } }>('/console/:file', opts, async (req, reply) => send(req.params.file, reply));
  };
}
