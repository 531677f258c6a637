import { request } from 'node:https';
import { Readable } from 'node:stream';

/** TLS material a test client trusts and presents. */
export interface TlsClientOpts {
  readonly ca: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
}

/**
 * A fetch over node:https that trusts `ca` (the global fetch trusts only the system roots, and
 * NODE_EXTRA_CA_CERTS is read at process start), optionally presenting a client certificate.
 * Enough of fetch for the SDK and the test helpers: method, headers, string body, signal,
 * and a streamed body (server-sent events).
 */
export function httpsFetch(tls: TlsClientOpts): typeof fetch {
  return ((input: string | URL | Request, init: RequestInit = {}): Promise<Response> => new Promise((resolve, reject) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => (headers[k] = v));
    const req = request(url, { method: init.method ?? 'GET', headers, ca: tls.ca, ...(tls.cert !== undefined ? { cert: tls.cert, key: tls.key } : {}), signal: init.signal ?? undefined }, (res) => {
      const h = new Headers();
      for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
      const status = res.statusCode ?? 0;
      const body = status === 204 || status === 304 ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
      resolve(new Response(body, { status, headers: h }));
    });
    req.on('error', reject);
    req.end(typeof init.body === 'string' ? init.body : undefined);
  })) as typeof fetch;
}
