// docker/monitoring: promtool accepts the scrape config and the alert rules, each alert fires
// on the series it is written for (alerts.test.yml), and every ledger_* metric the rules and
// the Grafana dashboard read is one the node declares, so a rename cannot silently blind them.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/node/metrics.js';
import { promtool } from '../../helpers/prom-text.js';
import { asMap, parseComposeSubset } from './compose-subset.js';

const path = (p: string): string => fileURLToPath(new URL(`../../../${p}`, import.meta.url));
const read = (p: string): string => readFileSync(path(p), 'utf8');

/** Metric names the node exports, with the series names histograms add. */
function declaredSeries(): Set<string> {
  const registry = new Registry();
  createMetrics(registry, { version: 'test', commit: 'test' });
  const out = new Set<string>();
  for (const m of registry.getMetricsAsArray()) {
    out.add(m.name);
    if (String(m.type) === 'histogram') for (const s of ['_bucket', '_sum', '_count']) out.add(`${m.name}${s}`);
  }
  return out;
}

function ledgerNamesIn(text: string): string[] {
  return [...new Set([...text.matchAll(/\bledger_[a-z0-9_]+/g)].map((m) => m[0]))];
}

describe('the monitoring kit', () => {
  it('passes promtool check config (which also checks the rule files it loads)', () => {
    const r = promtool(['check', 'config', path('docker/monitoring/prometheus.yml')]);
    expect(r.output).toContain('SUCCESS');
    expect(r.status, r.output).toBe(0);
  });

  it('passes promtool check rules', () => {
    const r = promtool(['check', 'rules', path('docker/monitoring/alerts.yml')]);
    expect(r.status, r.output).toBe(0);
  });

  it('fires each alert on its own series and not on a healthy member (promtool test rules)', () => {
    const r = promtool(['test', 'rules', path('docker/monitoring/alerts.test.yml')]);
    expect(r.status, r.output).toBe(0);
    const rules = [...read('docker/monitoring/alerts.yml').matchAll(/- alert: (\w+)/g)].map((m) => m[1]);
    const tested = new Set([...read('docker/monitoring/alerts.test.yml').matchAll(/alertname: (\w+)/g)].map((m) => m[1]));
    expect(rules.length).toBeGreaterThanOrEqual(9);
    for (const a of rules) expect(tested.has(a), `alerts.test.yml exercises ${a}`).toBe(true);
  });

  it('reads only metrics the node declares', () => {
    const declared = declaredSeries();
    const files = ['docker/monitoring/alerts.yml', 'docker/monitoring/grafana/ledger-dashboard.json'];
    for (const f of files) {
      const names = ledgerNamesIn(read(f));
      expect(names.length, f).toBeGreaterThan(5);
      for (const n of names) expect(declared.has(n), `${f} reads ${n}, which the node does not export`).toBe(true);
    }
  });

  it('covers the alerts an operator needs', () => {
    const rules = read('docker/monitoring/alerts.yml');
    for (const metric of [
      'ledger_chain_last_commit_timestamp_seconds', 'ledger_consensus_quorum', 'ledger_consensus_view_changes_total', 'ledger_chain_height',
      'ledger_sync_lag_blocks', 'ledger_storage_available_bytes', 'ledger_consensus_proposal_clock_skew_seconds',
    ]) expect(rules, `an alert reads ${metric}`).toContain(metric);
  });

  it('scrapes every member of docker/compose.yml, each labelled with its name', () => {
    const services = Object.keys(asMap(asMap(parseComposeSubset(read('docker/compose.yml')), 'compose')['services'], 'services'));
    const config = read('docker/monitoring/prometheus.yml');
    const targets = [...config.matchAll(/targets: \["([a-z0-9-]+):8080"\]\s+labels:\s+member: ([a-z0-9-]+)/g)].map((m) => [m[1], m[2]]);
    expect(targets.map(([host]) => host).sort()).toEqual(services.sort());
    for (const [host, member] of targets) expect(member).toBe(host);
  });

  it('has a dashboard whose every panel queries through the datasource variable', () => {
    const dash = JSON.parse(read('docker/monitoring/grafana/ledger-dashboard.json')) as {
      uid: string; panels: { type: string; title: string; targets?: { expr: string }[]; datasource?: { uid: string } }[];
    };
    expect(dash.uid).toBe('consortium-ledger');
    const queries = dash.panels.filter((p) => p.type !== 'row');
    expect(queries.length).toBeGreaterThanOrEqual(15);
    for (const p of queries) {
      expect(p.datasource?.uid, p.title).toBe('${datasource}');
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets ?? []) expect(t.expr, p.title).toMatch(/\S/);
    }
  });
});

describe('container logs', () => {
  it('are size-limited for every service of both compose files', () => {
    for (const file of ['docker/compose.yml', 'docker/member.compose.yml', 'docker/monitoring/compose.yml']) {
      const services = asMap(asMap(parseComposeSubset(read(file)), file)['services'], `${file} services`);
      for (const [name, svc] of Object.entries(services)) {
        const logging = asMap(asMap(svc, name)['logging'], `${file} ${name}.logging`);
        const options = asMap(logging['options'], `${file} ${name}.logging.options`);
        expect(options['max-size'], `${file} ${name}`).toMatch(/^\d+[kmg]$/);
        expect(Number(options['max-file']), `${file} ${name}`).toBeGreaterThan(0);
      }
    }
  });
});
