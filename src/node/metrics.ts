import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BuildInfo } from './build-info.js';

// prom-client's default collectors report these gauges with a `_total` suffix, which
// Prometheus reserves for counters (`promtool check metrics` fails on them); the same
// numbers are exported per type as nodejs_active_handles, _requests and _resources.
const MISNAMED_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/**
 * Every metric of the node, created in one place (docs/conventions.md Metrics). Modules take
 * `metrics: ... | null` and never check whether metrics are enabled; each metric is updated
 * by the module that owns its event, never as a side effect of reading status.
 * Process and Node.js metrics keep their standard unprefixed names (process_cpu_seconds_total,
 * nodejs_heap_size_used_bytes, ...) so stock dashboards read them.
 */
export function createMetrics(registry: Registry, build: BuildInfo) {
  collectDefaultMetrics({ register: registry });
  for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(name);
  const reg = [registry];
  const buildInfo = new Gauge({ name: 'ledger_build_info', help: 'Always 1; labels name the version and git commit this node runs', labelNames: ['version', 'commit'] as const, registers: reg });
  buildInfo.set({ version: build.version, commit: build.commit }, 1);
  return {
    registry,
    buildInfo,
    // ---- chain ----
    height: new Gauge({ name: 'ledger_chain_height', help: 'Height of the latest committed block', registers: reg }),
    lastCommitTime: new Gauge({ name: 'ledger_chain_last_commit_timestamp_seconds', help: 'Local Unix time at which the latest block was committed here', registers: reg }),
    committedTxs: new Counter({ name: 'ledger_committed_txs_total', help: 'Transactions committed (accepted or rejected by contracts)', registers: reg }),
    committedBlocks: new Counter({ name: 'ledger_committed_blocks_total', help: 'Blocks committed (by consensus or by sync)', registers: reg }),
    blockInterval: new Histogram({
      name: 'ledger_block_interval_seconds', help: 'Time between consecutive committed blocks', registers: reg,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    }),
    blockCommit: new Histogram({
      name: 'ledger_block_commit_seconds', help: 'Time to persist a committed block (one synced batch)', registers: reg,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    }),
    blockFinality: new Histogram({
      name: 'ledger_block_finality_seconds', help: 'From a block\'s proposal timestamp to its commit on this node (consensus commits only)', registers: reg,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    }),
    txRejected: new Counter({ name: 'ledger_tx_rejected_total', help: 'Transactions refused at admission or rejected by a contract, by code', labelNames: ['code'] as const, registers: reg }),
    // ---- consensus ----
    view: new Gauge({ name: 'ledger_consensus_view', help: 'Current consensus view', registers: reg }),
    epoch: new Gauge({ name: 'ledger_consensus_epoch', help: 'Epoch in force (member-set changes start a new one)', registers: reg }),
    members: new Gauge({ name: 'ledger_consensus_members', help: 'Members of the epoch in force', registers: reg }),
    quorum: new Gauge({ name: 'ledger_consensus_quorum', help: 'Votes a certificate needs in the epoch in force (2f+1)', registers: reg }),
    viewChanges: new Counter({
      name: 'ledger_consensus_view_changes_total', help: 'Views entered through a timeout certificate, by cause', labelNames: ['cause'] as const, registers: reg,
    }),
    proposalClockSkew: new Gauge({
      name: 'ledger_consensus_proposal_clock_skew_seconds',
      help: 'Latest proposal timestamp minus local time on receipt, by proposer (includes delivery delay; positive = proposer clock ahead)',
      labelNames: ['proposer'] as const, registers: reg,
    }),
    // ---- mempool ----
    mempoolTxs: new Gauge({ name: 'ledger_mempool_txs', help: 'Transactions waiting in the pool', registers: reg }),
    mempoolBytes: new Gauge({ name: 'ledger_mempool_bytes', help: 'Encoded size of the transactions waiting in the pool', registers: reg }),
    // ---- p2p ----
    peers: new Gauge({ name: 'ledger_p2p_peers_connected', help: 'Members connected', registers: reg }),
    peerDisconnects: new Counter({ name: 'ledger_p2p_disconnects_total', help: 'Connections to a member lost, by member and reason', labelNames: ['peer', 'reason'] as const, registers: reg }),
    messagesDropped: new Counter({
      name: 'ledger_p2p_messages_dropped_total', help: 'Outbound messages dropped before leaving, by member, channel and reason',
      labelNames: ['peer', 'channel', 'reason'] as const, registers: reg,
    }),
    messagesRefused: new Counter({
      name: 'ledger_p2p_messages_refused_total',
      help: 'Inbound messages and requests from a member dropped on arrival for being over its bounds (docs/protocol.md R23), by member, channel and reason',
      labelNames: ['peer', 'channel', 'reason'] as const, registers: reg,
    }),
    // ---- sync ----
    syncing: new Gauge({ name: 'ledger_sync_active', help: '1 while a block sync (catch-up from peers) runs, else 0', registers: reg }),
    syncTarget: new Gauge({ name: 'ledger_sync_target_height', help: 'Highest head a peer reported at the start of the latest block sync', registers: reg }),
    syncLag: new Gauge({ name: 'ledger_sync_lag_blocks', help: 'Blocks this node is behind the target of the running block sync (0 when none runs)', registers: reg }),
    syncedBlocks: new Counter({ name: 'ledger_sync_blocks_total', help: 'Blocks applied through block sync', registers: reg }),
    // ---- api, storage ----
    apiRequest: new Histogram({
      name: 'ledger_api_request_duration_seconds', help: 'REST request latency by method, route pattern and status code', labelNames: ['method', 'route', 'status'] as const, registers: reg,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    }),
    storageSize: new Gauge({ name: 'ledger_storage_size_bytes', help: 'Size of the data directory on disk', registers: reg }),
    storageAvailable: new Gauge({ name: 'ledger_storage_available_bytes', help: 'Space left for the node on the data directory\'s file system', registers: reg }),
    storageCapacity: new Gauge({ name: 'ledger_storage_capacity_bytes', help: 'Size of the data directory\'s file system', registers: reg }),
  };
}

/** The node's metrics. */
export type Metrics = ReturnType<typeof createMetrics>;
