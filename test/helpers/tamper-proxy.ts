import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// A man in the middle between a browser and a node: forwards everything, and when told to,
// changes exactly one byte of the JSON answers whose path matches: the first hex digit after a
// named field. The answer stays well-formed JSON with the same shape, so only a verifier can
// tell. The event stream is piped through untouched.

/** What to change: answers to paths matching `path`, the hex digit after `"field":"`. */
export interface Tamper {
  readonly path: RegExp;
  readonly field: string;
}

export class TamperProxy {
  tamper: Tamper | null = null;
  /** Answers changed so far (a test asserts the proxy really did its part). */
  changed = 0;
  private readonly server: Server;

  private constructor(target: URL) {
    this.server = createServer((req, res) => {
      const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host, 'accept-encoding': 'identity' } }, (up) => {
        const t = this.tamper;
        if (t === null || !t.path.test(req.url ?? '') || !(up.headers['content-type'] ?? '').includes('application/json')) {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const body = Buffer.concat(chunks);
          const at = body.indexOf(`"${t.field}":"`);
          if (at >= 0) {
            const i = at + t.field.length + 4;
            body[i] = body[i] === 0x30 ? 0x31 : 0x30; // '0' <-> '1', or any hex digit to '0'
            this.changed++;
          }
          res.writeHead(up.statusCode ?? 502, { ...up.headers, 'content-length': String(body.length) });
          res.end(body);
        });
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
  }

  /** Starts a proxy to `target` (e.g. http://127.0.0.1:8080) on a free loopback port. */
  static async start(target: string): Promise<TamperProxy> {
    const p = new TamperProxy(new URL(target));
    await new Promise<void>((res) => p.server.listen(0, '127.0.0.1', res));
    return p;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((res) => this.server.close(() => res()));
  }
}
