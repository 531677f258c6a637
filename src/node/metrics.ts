import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every metric of the node, created in one place (docs/conventions.md Metrics). Modules take
 * `metrics: Metrics | null` and never check whether metrics are enabled.
 */
export function createMetrics(registry: Registry) {
  collectDefaultMetrics({ register: registry, prefix: 'ledger_process_' });
  const reg = [registry];
  return {
    registry,
    height: new Gauge({ name: 'ledger_chain_height', help: 'Height of the latest committed block', registers: reg }),
    view: new Gauge({ name: 'ledger_consensus_view', help: 'Current consensus view', registers: reg }),
    viewChanges: new Counter({ name: 'ledger_consensus_view_changes_total', help: 'Views entered through a timeout certificate', registers: reg }),
    committedTxs: new Counter({ name: 'ledger_committed_txs_total', help: 'Transactions committed (accepted or rejected by contracts)', registers: reg }),
    committedBlocks: new Counter({ name: 'ledger_committed_blocks_total', help: 'Blocks committed', registers: reg }),
    blockInterval: new Histogram({
      name: 'ledger_block_interval_seconds', help: 'Time between consecutive committed blocks', registers: reg,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    }),
    blockCommit: new Histogram({
      name: 'ledger_block_commit_seconds', help: 'Time to persist a committed block (one synced batch)', registers: reg,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    }),
    mempoolTxs: new Gauge({ name: 'ledger_mempool_txs', help: 'Transactions waiting in the pool', registers: reg }),
    peers: new Gauge({ name: 'ledger_p2p_peers_connected', help: 'Members connected', registers: reg }),
    txRejected: new Counter({ name: 'ledger_tx_rejected_total', help: 'Transactions refused at admission or rejected by a contract, by code', labelNames: ['code'] as const, registers: reg }),
  };
}

/** The node's metrics. */
export type Metrics = ReturnType<typeof createMetrics>;
