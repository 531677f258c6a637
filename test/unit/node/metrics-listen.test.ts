import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNodeConfig } from '../../../src/node/config.js';
import { createMetrics } from '../../../src/node/metrics.js';
import { MetricsServer } from '../../../src/node/metrics-server.js';

describe('metrics on an address of their own', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-metrics-cfg-'));
    file = join(dir, 'config.json');
    await writeFile(file, JSON.stringify({ name: 'm1', keyFile: 'k.json', genesisFile: 'g.json', dataDir: 'data' }));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads metricsListen as HOST:PORT from env or flag, and is absent by default', async () => {
    expect((await loadNodeConfig(file, {})).metricsListen).toBeUndefined();
    expect((await loadNodeConfig(file, { LEDGER_METRICS_LISTEN: '0.0.0.0:9464' })).metricsListen).toEqual({ host: '0.0.0.0', port: 9464 });
    expect((await loadNodeConfig(file, {}, { metricsListen: '[::1]:9100' })).metricsListen).toEqual({ host: '::1', port: 9100 });
    for (const bad of ['9464', 'host:', 'host:99999', 'a b:1']) {
      await expect(loadNodeConfig(file, { LEDGER_METRICS_LISTEN: bad }), bad).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    }
  });

  it('serves the registry at GET /metrics and 404 elsewhere', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry, { version: '9.9.9', commit: 'abc' });
    metrics.height.set(42);
    const server = new MetricsServer({ host: '127.0.0.1', port: 0 }, { registry });
    const url = await server.start();
    try {
      const r = await fetch(`${url}/metrics`);
      expect(r.status).toBe(200);
      const text = await r.text();
      expect(text).toMatch(/^ledger_chain_height 42$/m);
      expect(text).toMatch(/^ledger_build_info\{version="9.9.9",commit="abc"\} 1$/m);
      expect((await fetch(`${url}/v1/status`)).status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});
