import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTx, LedgerClient } from '../../src/client/index.js';
import { resolve } from 'node:path';
import { readBuildInfo } from '../../src/node/build-info.js';
import { parseSamples, promtool, samplesOf, sumOf, type Sample } from '../helpers/prom-text.js';
import { loadActor, StoryDriver, type Actor } from '../helpers/story-actors.js';
import { freePortRange, Testnet, waitUntil } from '../helpers/testnet.js';

// Real `ledger start` processes: each metric is read from /metrics after the test drives the
// event it counts (transactions, a refused one, a member killed and restarted), and the whole
// exposition of a loaded node must satisfy `promtool check metrics`.

const TXS = 12;

describe('metrics of a live consortium', () => {
  let net: Testnet;
  let clients: LedgerClient[];
  let story: StoryDriver;
  let supplier: Actor;
  let assets = 0;

  const scrape = async (i: number): Promise<string> => (clients[i] as LedgerClient).metrics();
  const samples = async (i: number): Promise<Sample[]> => parseSamples(await scrape(i));
  // Sequential, each waiting for its block: the chain moves through several views.
  const register = async (): Promise<void> => {
    assets++;
    const a = await story.send(supplier, 'asset.register', { id: `A-M${assets}`, kind: 'bill-of-lading', fingerprint: `sha256:m${assets}`, metadata: {} });
    expect(a.status).toBe('committed');
  };

  beforeAll(async () => {
    net = await Testnet.create({ nodes: 4 });
    net.startAll();
    clients = await Promise.all(net.nodes.map((_, i) => net.client(i)));
    story = new StoryDriver(clients[0] as LedgerClient, net.init.genesis.chainId);
    supplier = await loadActor(net, 'supplier');
    // The API answers from start-up; transactions are taken once the node is ready.
    await net.waitReady();
    // A batch of transactions submitted back to back (consecutive nonces), then one more that
    // a contract rejects, then one with a nonce gap that must wait in the pool.
    const first = await clients[0]?.nextNonce(supplier.id) as number;
    const hashes: string[] = [];
    for (let k = 0; k < TXS; k++) {
      assets++;
      const tx = buildTx(supplier.key, net.init.genesis.chainId, 'asset.register', { id: `A-M${assets}`, kind: 'bill-of-lading', fingerprint: `sha256:m${assets}`, metadata: {} }, first + k);
      hashes.push((await (clients[0] as LedgerClient).submit(tx)).hash);
    }
    for (const h of hashes) expect((await (clients[0] as LedgerClient).waitForTx(h, { timeoutMs: 60_000 })).status).toBe('committed');
    const buyer = await loadActor(net, 'buyer');
    const refused = await story.send(buyer, 'invoice.accept', { id: 'INV-NONE' });
    expect(refused.status).toBe('rejected');
    const gapped = buildTx(supplier.key, net.init.genesis.chainId, 'asset.register', { id: 'A-GAP', kind: 'x', fingerprint: 'sha256:gap', metadata: {} }, first + TXS + 50);
    await (clients[0] as LedgerClient).submit(gapped);
  }, 180_000);

  afterAll(async () => {
    await net?.destroy();
  });

  it('pass promtool check metrics on a loaded member', async () => {
    const text = await scrape(0);
    const r = promtool(['check', 'metrics'], text);
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
    // Standard process metrics keep their standard names, exactly once prefixed.
    expect(text).toMatch(/^process_cpu_seconds_total /m);
    expect(text).not.toMatch(/ledger_process_/);
  });

  it('report what the transactions did', async () => {
    const s = await samples(0);
    const status = await (clients[0] as LedgerClient).status();
    // What the built node reads (dist/build-info.json, written by npm run build), not the source tree's.
    const build = readBuildInfo(resolve('dist/src/node'), process.env);
    expect(samplesOf(s, 'ledger_build_info', { version: build.version, commit: build.commit }).map((x) => x.value)).toEqual([1]);
    expect(sumOf(s, 'ledger_chain_height')).toBeGreaterThanOrEqual(status.height - 1);
    expect(sumOf(s, 'ledger_chain_height')).toBeGreaterThan(0);
    expect(Math.abs(sumOf(s, 'ledger_chain_last_commit_timestamp_seconds') - Date.now() / 1000)).toBeLessThan(120);
    expect(sumOf(s, 'ledger_committed_txs_total')).toBeGreaterThanOrEqual(TXS + 1);
    expect(sumOf(s, 'ledger_committed_blocks_total')).toBeGreaterThanOrEqual(2);
    expect(sumOf(s, 'ledger_block_interval_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sumOf(s, 'ledger_block_commit_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(sumOf(s, 'ledger_block_finality_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(sumOf(s, 'ledger_tx_rejected_total', { code: 'INVOICE_NOT_FOUND' })).toBe(1);
    expect(sumOf(s, 'ledger_consensus_view')).toBeGreaterThan(0);
    expect(sumOf(s, 'ledger_consensus_epoch')).toBe(0);
    expect(sumOf(s, 'ledger_consensus_members')).toBe(4);
    expect(sumOf(s, 'ledger_consensus_quorum')).toBe(3);
    // Member1 checks the other members' proposals; the skew includes delivery delay only.
    const skews = samplesOf(s, 'ledger_consensus_proposal_clock_skew_seconds');
    expect(skews.length).toBeGreaterThanOrEqual(1);
    for (const k of skews) expect(net.nodes.map((n) => n.name)).toContain(k.labels['proposer']);
    for (const k of skews) expect(Math.abs(k.value)).toBeLessThan(5);
    // The gapped transaction waits in the pool.
    expect(sumOf(s, 'ledger_mempool_txs')).toBe(1);
    expect(sumOf(s, 'ledger_mempool_bytes')).toBeGreaterThan(100);
    expect(sumOf(s, 'ledger_p2p_peers_connected')).toBe(3);
    expect(sumOf(s, 'ledger_api_request_duration_seconds_count', { method: 'POST', route: '/v1/transactions', status: '202' })).toBe(TXS + 2);
    expect(sumOf(s, 'ledger_api_request_duration_seconds_count', { method: 'GET', route: '/v1/transactions/:hash' })).toBeGreaterThan(0);
    expect(sumOf(s, 'ledger_storage_size_bytes')).toBeGreaterThan(0);
    expect(sumOf(s, 'ledger_storage_available_bytes')).toBeGreaterThan(0);
    expect(sumOf(s, 'ledger_storage_capacity_bytes')).toBeGreaterThanOrEqual(sumOf(s, 'ledger_storage_available_bytes'));
    expect(samplesOf(s, 'ledger_sync_active').map((x) => x.value)).toEqual([0]);
  });

  it('count a lost member, the view changes it causes, and its catch-up', async () => {
    const lost = net.nodes[3]?.name as string;
    // A connection cut within a second of its handshake is logged as a refusal, not a loss
    // (MIN_HEALTHY_CONNECTION_MS in libp2p-transport.ts): under load member4 may have only just
    // connected (2.3 s before the kill on a quiet run), so its connection must be older first.
    await waitUntil(async () => sumOf(await samples(0), 'ledger_p2p_peers_connected') === 3, 'member1 to see 3 peers');
    const connectedAt = async (): Promise<number> => {
      const lines = (await readFile(net.nodes[0]?.logFile as string, 'utf8')).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      const up = lines.filter((l) => l['peer'] === lost && (l['msg'] === 'Peer connected' || l['msg'] === 'Peer reconnected')).pop();
      return up === undefined ? Infinity : Date.parse(String(up['time']));
    };
    await waitUntil(async () => Date.now() - (await connectedAt()) > 1_500, `member1's connection to ${lost} to be older than 1.5 s`);
    await net.kill(3);
    await waitUntil(async () => sumOf(await samples(0), 'ledger_p2p_peers_connected') === 2, 'member1 to see 2 peers');
    const s0 = await samples(0);
    expect(sumOf(s0, 'ledger_p2p_disconnects_total', { peer: lost })).toBeGreaterThanOrEqual(1);
    // Views led by the lost member time out; every block needs a few views, so some of them are its.
    await waitUntil(async () => {
      await register();
      return sumOf(await samples(0), 'ledger_consensus_view_changes_total') > 0;
    }, 'a view change on member1', 120_000);
    const causes = samplesOf(await samples(0), 'ledger_consensus_view_changes_total').filter((x) => x.value > 0).map((x) => x.labels['cause']);
    for (const c of causes) expect(['no_proposal', 'no_qc', 'peer_timeout']).toContain(c);

    // The restarted member catches up through block sync before it votes again. It now
    // serves /metrics on an address of its own, and no longer on its REST port.
    const metricsPort = await freePortRange(1);
    net.start(3, { LEDGER_METRICS_LISTEN: `127.0.0.1:${metricsPort}` });
    const own = async (): Promise<Sample[]> => parseSamples(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text());
    await waitUntil(async () => sumOf(await own(), 'ledger_sync_blocks_total') > 0, `${lost} to sync`, 120_000);
    await waitUntil(async () => (await clients[3]?.status()) !== undefined, `${lost} API`);
    expect((await fetch(`${net.nodes[3]?.api}/metrics`)).status).toBe(404);
    const s3 = await own();
    expect(samplesOf(s3, 'ledger_sync_active').map((x) => x.value)).toEqual([0]);
    expect(sumOf(s3, 'ledger_sync_lag_blocks')).toBe(0);
    expect(sumOf(s3, 'ledger_sync_target_height')).toBeGreaterThan(0);
    await waitUntil(async () => sumOf(await samples(0), 'ledger_p2p_peers_connected') === 3, 'member1 to see 3 peers again');
  }, 300_000);

  it('log members by name, disconnects with a reason, reconnects at info, and no block at info', async () => {
    const lines = (await readFile(net.nodes[0]?.logFile as string, 'utf8')).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const INFO = 30;
    const lost = net.nodes[3]?.name;
    const disconnected = lines.filter((l) => l['msg'] === 'Peer disconnected');
    expect(disconnected.length).toBeGreaterThanOrEqual(1);
    for (const l of disconnected) {
      expect(typeof l['peer']).toBe('string');
      expect(typeof l['reason']).toBe('string');
    }
    expect(disconnected.map((l) => l['peer'])).toContain(lost);
    const back = lines.filter((l) => l['msg'] === 'Peer reconnected' && l['peer'] === lost);
    expect(back.length).toBeGreaterThanOrEqual(1);
    expect(back.every((l) => l['level'] === INFO)).toBe(true);
    expect(lines.filter((l) => l['msg'] === 'Block committed' && (l['level'] as number) >= INFO)).toEqual([]);
    for (const l of lines.filter((x) => 'peer' in x)) expect(typeof l['peer'], JSON.stringify(l)).toBe('string');
  });
});
