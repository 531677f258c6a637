import { encodeTxEnvelope } from '../../codec/tx.js';
import { prepareEncodedTx, signTx, type PreparedTx } from '../../crypto/tx.js';
import type { Clock } from '../../types/edges.js';
import type { Payload } from '../../types/primitives.js';
import { toHex } from '../../util/bytes.js';
import type { SeededRng } from './rng.js';
import { SIM_CLIENTS, simClientKey, type SimLedger } from './sim-ledger.js';

/** Dependencies of the client. */
export interface SimClientDeps {
  readonly clock: Clock;
  readonly rng: SeededRng;
  readonly chainId: string;
  /** The applications of the processes running now (honest and Byzantine): where it submits. */
  readonly targets: () => Iterable<SimLedger>;
  /** Next nonce of an account (id = key hex) in the most advanced honest committed state. */
  readonly committedNonce: (account: string) => number;
  /**
   * True while the users have nothing new to send (the scenario's idle windows, R24): no new
   * transaction is signed; those not yet committed are still offered (a real client retries
   * until it sees them committed), so the pools drain once they commit and then stay empty.
   */
  readonly paused?: () => boolean;
}

interface Outstanding {
  readonly nonce: number;
  readonly tx: PreparedTx;
}

// At most this many transactions of one account wait for commitment: few transactions per
// block keep real signing and verification cheap enough for thousands of seeds.
const MAX_OUTSTANDING = 3;
const TICK_MIN_MS = 60;
const TICK_MAX_MS = 240;

/**
 * The simulated users: SIM_CLIENTS integrator accounts sign real transactions (asset
 * registrations and transfers, invoices) with their seeded keys, chosen by the seed, and hand
 * them to every running process's pool, as the REST API and gossip would. Like a real client it
 * keeps offering each transaction until it sees it committed, so a pool lost in a crash is
 * refilled, and it signs consecutive nonces, so a block never waits behind a gap for long.
 */
export class SimClient {
  private readonly d: SimClientDeps;
  private readonly next: number[] = [];
  private readonly pending: Outstanding[][] = [];
  private readonly assets: string[][] = [];
  private stopped = false;

  constructor(deps: SimClientDeps) {
    this.d = deps;
    for (let i = 0; i < SIM_CLIENTS; i++) {
      this.next.push(0);
      this.pending.push([]);
      this.assets.push([]);
    }
  }

  /** Starts submitting; runs until stop(). */
  start(): void {
    this.schedule();
  }

  /** Submits nothing more. */
  stop(): void {
    this.stopped = true;
  }

  private schedule(): void {
    this.d.clock.setTimer(this.d.rng.range(TICK_MIN_MS, TICK_MAX_MS), () => {
      if (this.stopped) return;
      this.tick();
      this.schedule();
    });
  }

  private tick(): void {
    const paused = this.d.paused?.() === true;
    const rng = this.d.rng;
    for (let i = 0; i < SIM_CLIENTS; i++) {
      const id = toHex(simClientKey(i).publicKey);
      const done = this.d.committedNonce(id);
      const queue = (this.pending[i] as Outstanding[]).filter((o) => o.nonce >= done);
      this.pending[i] = queue;
      if (!paused && queue.length < MAX_OUTSTANDING && rng.chance(0.6)) {
        queue.push(this.sign(i));
      }
    }
    // New transactions and every one not yet committed go to each running process.
    const offer = this.pending.flat().map((o) => o.tx);
    for (const app of this.d.targets()) for (const tx of offer) void app.submit(tx);
  }

  private sign(i: number): Outstanding {
    const rng = this.d.rng;
    const nonce = this.next[i] as number;
    this.next[i] = nonce + 1;
    const other = toHex(simClientKey((i + rng.range(1, SIM_CLIENTS - 1)) % SIM_CLIENTS).publicKey);
    const mine = this.assets[i] as string[];
    const tag = `c${i}n${nonce}`;
    let type: string;
    let payload: Payload;
    const pick = rng.range(0, 9);
    if (pick < 3 && mine.length > 0) {
      // May fail at execution (already transferred away): a rejected receipt is a receipt too.
      type = 'asset.transfer';
      payload = { id: rng.pick(mine), to: other };
    } else if (pick < 6) {
      type = 'invoice.issue';
      payload = { id: `inv-${tag}`, buyer: other, amount: String(rng.range(1, 1_000_000)), currency: 'EUR', dueDate: '2030-06-30', fingerprint: `fp-inv-${tag}` };
    } else {
      type = 'asset.register';
      const asset = `asset-${tag}`;
      mine.push(asset);
      payload = { id: asset, kind: 'warehouse-receipt', fingerprint: `fp-${asset}`, metadata: { lot: nonce } };
    }
    const env = signTx(simClientKey(i), { chainId: this.d.chainId, type, nonce, payload });
    return { nonce, tx: prepareEncodedTx(encodeTxEnvelope(env)) };
  }
}
