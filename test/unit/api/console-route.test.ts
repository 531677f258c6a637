import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type RunningApi } from './harness.js';

// GET /console serves the console bundle from memory, publicly (no read token: the files hold
// no ledger data), with a CSP that keeps every script and fetch on the node's own origin.

describe('GET /console', () => {
  let dir: string;
  let api: RunningApi;
  let unbuilt: RunningApi;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'console-route-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><script type="module" src="console.js"></script>');
    await writeFile(join(dir, 'console.js'), 'export {};');
    await writeFile(join(dir, 'secret.key'), 'not an asset');
    // Read authentication on, as on a node: the console must load without a token.
    api = await startApi(undefined, { rateLimit: false, consoleDir: dir });
    unbuilt = await startApi(undefined, { rateLimit: false, readAuth: false, consoleDir: join(dir, 'missing') });
  });
  afterAll(async () => {
    await api?.close();
    await unbuilt?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('redirects /console to /console/ and serves the page without a token, with a same-origin CSP', async () => {
    const r = await fetch(`${api.url}/console`, { redirect: 'manual' });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('/console/');
    const page = await fetch(`${api.url}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self';.*connect-src 'self'/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('console.js');
    const js = await fetch(`${api.url}/console/console.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('export {};');
    // The rest of the API still wants a token.
    expect((await fetch(`${api.url}/v1/genesis`)).status).toBe(401);
  });

  it('answers 404 in the envelope for other files, other extensions and paths out of the folder', async () => {
    for (const path of ['/console/nope.js', '/console/secret.key', '/console/..%2Fpackage.json', '/console/%2e%2e%2fpackage.json', '/console/a/b.js']) {
      const r = await fetch(`${api.url}${path}`);
      expect(r.status, path).toBe(404);
      expect(((await r.json()) as { error: { code: string } }).error.code, path).toBe('NOT_FOUND');
    }
  });

  it('says so when the console was not built', async () => {
    const r = await fetch(`${unbuilt.url}/console/`);
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/not built/);
  });
});
