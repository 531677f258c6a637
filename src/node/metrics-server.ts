import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { OperationalError } from '../util/errors.js';

/**
 * GET /metrics on an address of its own (config metricsListen), so that the scrape port can
 * be firewalled apart from the REST API. Anything else is 404.
 */
export class MetricsServer {
  private server: Server | null = null;

  constructor(
    private readonly opts: { readonly host: string; readonly port: number },
    private readonly deps: { readonly registry: Registry },
  ) {}

  /** Listens; resolves with the base URL. */
  async start(): Promise<string> {
    const { registry } = this.deps;
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
        () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
      );
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => reject(new OperationalError('METRICS_LISTEN_FAILED', `cannot serve metrics on ${this.opts.host}:${this.opts.port}: ${e.message}; is the port in use?`)));
      server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    const a = server.address() as AddressInfo;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `http://${host}:${a.port}`;
  }

  /** Closes the listener and open connections. */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s === null || !s.listening) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
