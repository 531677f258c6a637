import { decodeTxBatch, encodeTxBatch } from '../codec/batch.js';
import { prepareEncodedTx, type PreparedTx } from '../crypto/tx.js';
import type { Mempool } from '../state/mempool/mempool.js';
import type { Clock, Transport, Cancel } from '../types/edges.js';
import type { MemberIndex } from '../types/primitives.js';

// PERF: one libp2p message costs ~250-300 µs of CPU across sender and receiver here (a TLS
// record and a yamux frame, plus the receiver's yamux window update back), against ~1 µs per
// transaction inside a batch. With a 5 ms window a member taking 100-500 tx/s sent one to three
// transactions per message, about 750 µs of member CPU per transaction at 400 tx/s; a 50 ms
// window carries 5-25 per message. The cost is up to 50 ms before the other members hold a
// transaction (the member that took it can propose it at once), well inside the 1 s commit
// latency budget.
/** Defaults for the node: flush at 512 transactions or 50 ms after the first waiting one. */
export const TX_GOSSIP_DEFAULTS: TxGossipOpts = { maxBatchTxs: 512, maxDelayMs: 50 };

/** Options. */
export interface TxGossipOpts {
  /** Flush when this many transactions wait. */
  readonly maxBatchTxs: number;
  /** Flush at the latest this long after the first waiting transaction. */
  readonly maxDelayMs: number;
}

/** Dependencies. */
export interface TxGossipDeps {
  readonly transport: Transport;
  readonly mempool: Mempool;
  readonly clock: Clock;
  /** Called after each transaction gossip admitted. */
  readonly onAdmitted: () => void;
  readonly log: { debug(obj: object, msg: string): void };
}

/**
 * Spreads transactions a client gave this node to every member in batches (channel
 * 'batches'), so whichever member leads next can propose them. Only transactions received
 * from clients are gossiped, never those received from peers, so nothing echoes. Each peer
 * verifies each signature once at admission; duplicates are dropped by the pool.
 */
export class TxGossip {
  private readonly opts: TxGossipOpts;
  private readonly deps: TxGossipDeps;
  private buffer: Uint8Array[] = [];
  private timer: Cancel | null = null;

  constructor(opts: TxGossipOpts, deps: TxGossipDeps) {
    this.opts = opts;
    this.deps = deps;
  }

  /** Queues the encoded envelope of a transaction a client submitted here. */
  enqueue(txBytes: Uint8Array): void {
    this.buffer.push(txBytes);
    if (this.buffer.length >= this.opts.maxBatchTxs) this.flush();
    else if (this.timer === null) this.timer = this.deps.clock.setTimer(this.opts.maxDelayMs, () => this.flush());
  }

  /** Sends what waits now. */
  flush(): void {
    this.timer?.();
    this.timer = null;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.deps.transport.broadcast('batches', encodeTxBatch(batch));
  }

  /**
   * Feed every message of channel 'batches' here; never throws on peer input. Each received
   * envelope's bytes are admitted as they are (decoded once, never re-encoded); signatures are
   * verified through the pool's verifier, so a batch does not hold this thread for its
   * verifications when worker threads are configured. Resolves once every admission settled.
   */
  async handleMessage(from: MemberIndex, bytes: Uint8Array): Promise<void> {
    let txs: Uint8Array[];
    try {
      txs = decodeTxBatch(bytes);
    } catch (err) {
      this.deps.log.debug({ from, err }, 'Dropped undecodable batch');
      return;
    }
    const admissions: Promise<void>[] = [];
    for (const b of txs) {
      let p: PreparedTx;
      try {
        // decodeTxBatch copied each element out of the frame, so the pool may keep `b`.
        p = prepareEncodedTx(b);
      } catch (err) {
        this.deps.log.debug({ from, err }, 'Dropped undecodable gossiped transaction');
        continue;
      }
      admissions.push(this.deps.mempool.addAsync(p).then((a) => {
        if (a.ok) this.deps.onAdmitted();
      }));
    }
    await Promise.all(admissions);
  }

  /** Cancels the pending flush timer (node stop). */
  stop(): void {
    this.timer?.();
    this.timer = null;
  }
}
