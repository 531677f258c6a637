import { Worker } from 'node:worker_threads';
import { verifySignature } from '../crypto/ed25519.js';
import type { TxSignatureVerifier } from '../state/mempool/mempool.js';

/** Options of a VerifyPool. */
export interface VerifyPoolOpts {
  /** Worker threads; 0 verifies inline (the pool is then only an adapter). */
  readonly threads: number;
  /** Most signatures in one message to a worker. */
  readonly maxBatch?: number;
}

/** Dependencies. */
export interface VerifyPoolDeps {
  readonly log: { warn(obj: object, msg: string): void };
}

interface Pending {
  readonly resolve: (ok: boolean) => void;
  readonly reject: (err: Error) => void;
}

interface Item {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
  readonly pending: Pending;
}

interface Lane {
  readonly worker: Worker;
  /** The batch sent and not answered yet: its id and its items' callbacks, in item order. */
  inFlight: { readonly id: number; readonly pending: Pending[] } | null;
  alive: boolean;
}

// A batch of 256 is ~33 ms of one core here: the most a request waits behind others.
const DEFAULT_MAX_BATCH = 256;
const FLUSH_DELAY_MS = 1;

// Built code (dist/) starts the worker file directly. Under tsx or vitest (tests, `node
// --import tsx bench/...`) this module and its worker are .ts files, and a worker thread does
// not inherit the loader that reads them: a small bootstrap registers tsx's loader in the
// thread first (tsx is a dev dependency; built code never takes this path). A worker needs none
// of the parent's flags, and by default inherits them: per-process ones (members run with
// --max-semi-space-size; profilers) make `new Worker` throw ERR_WORKER_INVALID_EXEC_ARGV.
function startWorker(): Worker {
  const execArgv: string[] = [];
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./verify-worker.js', import.meta.url), { execArgv });
  const target = new URL('./verify-worker.ts', import.meta.url).href;
  const loader = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(loader)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); })`;
  return new Worker(bootstrap, { eval: true, execArgv });
}

/**
 * ed25519 verification on worker threads, for admission (Mempool's TxSignatureVerifier).
 * A worker holds at most one batch at a time: requests wait here while every worker is busy
 * and go out together, as one transferred buffer, to the first worker that answers, so the
 * busier the node the fewer messages per signature (a message to a thread costs more than
 * handling a REST request here); an idle worker gets the requests of the last millisecond
 * together. Answers are exactly verifySignature's: the workers run
 * that function. A worker that fails is dropped with a warning and its requests are rejected
 * (the Mempool then verifies them inline); with no worker left, the pool verifies inline.
 */
export class VerifyPool implements TxSignatureVerifier {
  private readonly maxBatch: number;
  private readonly deps: VerifyPoolDeps;
  private readonly lanes: Lane[] = [];
  private queue: Item[] = [];
  private flushScheduled = false;
  private nextId = 1;
  private stopped = false;

  constructor(opts: VerifyPoolOpts, deps: VerifyPoolDeps) {
    this.maxBatch = opts.maxBatch ?? DEFAULT_MAX_BATCH;
    this.deps = deps;
    for (let i = 0; i < opts.threads; i++) {
      const worker = startWorker();
      // The pool never keeps the process alive; stop() ends the threads.
      worker.unref();
      const lane: Lane = { worker, inFlight: null, alive: true };
      worker.on('message', (m: { id: number; ok: Uint8Array }) => this.onAnswer(lane, m));
      worker.on('error', (err) => this.onFailure(lane, err));
      worker.on('exit', (code) => this.onFailure(lane, new Error(`verify worker exited with code ${code}`)));
      this.lanes.push(lane);
    }
  }

  /** Worker threads still running. */
  get threads(): number {
    return this.lanes.filter((l) => l.alive).length;
  }

  /** Resolves to verifySignature(publicKey, message, signature), computed on a worker thread. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
    // Keys and signatures of other lengths would shift every later item of a batch; the
    // policy refuses them anyway, so they never leave this thread.
    const wellFormed = publicKey.length === 32 && signature.length === 64;
    if (!wellFormed || this.stopped || !this.lanes.some((l) => l.alive)) return Promise.resolve(verifySignature(publicKey, message, signature));
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ publicKey, message, signature, pending: { resolve, reject } });
      if (this.queue.length >= this.maxBatch) this.flush();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        // PERF: a message to a worker costs ~10-40 µs here (the wake-up of a sleeping thread),
        // as much as the rest of a REST request; waiting up to FLUSH_DELAY_MS gathers the
        // requests of several event-loop turns into one message.
        setTimeout(() => this.flush(), FLUSH_DELAY_MS);
      }
    });
  }

  /** Ends the threads; requests still in flight are rejected (their callers verify inline). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.lanes.map(async (l) => {
      const wasAlive = l.alive;
      this.onFailure(l, new Error('verify pool stopped'));
      if (wasAlive) await l.worker.terminate();
    }));
  }

  // Hands waiting requests to idle workers; with none idle they wait for the next answer.
  private flush(): void {
    this.flushScheduled = false;
    if (!this.lanes.some((l) => l.alive)) {
      const items = this.queue;
      this.queue = [];
      for (const it of items) it.pending.resolve(verifySignature(it.publicKey, it.message, it.signature));
      return;
    }
    for (const lane of this.lanes) {
      if (this.queue.length === 0) return;
      if (lane.alive && lane.inFlight === null) this.send(lane, this.take());
    }
  }

  private take(): Item[] {
    if (this.queue.length <= this.maxBatch) {
      const all = this.queue;
      this.queue = [];
      return all;
    }
    return this.queue.splice(0, this.maxBatch);
  }

  // PERF: one copy of each item into a transferred buffer (~0.5 µs for a 330-byte message)
  // against ~130 µs for the verification it moves off this thread.
  private send(lane: Lane, items: readonly Item[]): void {
    let size = 0;
    for (const it of items) size += 100 + it.message.length;
    const buf = new ArrayBuffer(size);
    const bytes = new Uint8Array(buf);
    const view = new DataView(buf);
    let at = 0;
    for (const it of items) {
      view.setUint32(at, it.message.length, true);
      bytes.set(it.publicKey, at + 4);
      bytes.set(it.signature, at + 36);
      bytes.set(it.message, at + 100);
      at += 100 + it.message.length;
    }
    const id = this.nextId++;
    lane.inFlight = { id, pending: items.map((it) => it.pending) };
    lane.worker.postMessage({ id, buf, count: items.length }, [buf]);
  }

  private onAnswer(lane: Lane, m: { id: number; ok: Uint8Array }): void {
    const batch = lane.inFlight;
    if (batch === null || batch.id !== m.id) return;
    lane.inFlight = null;
    // The next batch leaves before this one's callbacks run: the worker is never idle while
    // requests wait.
    if (this.queue.length > 0 && !this.stopped) this.send(lane, this.take());
    for (let i = 0; i < batch.pending.length; i++) batch.pending[i]?.resolve(m.ok[i] === 1);
  }

  private onFailure(lane: Lane, err: Error): void {
    if (!lane.alive) return;
    lane.alive = false;
    if (!this.stopped) this.deps.log.warn({ err }, 'Verification worker failed; verifying on the main thread');
    for (const p of lane.inFlight?.pending ?? []) p.reject(err);
    lane.inFlight = null;
    // Requests waiting for this worker go to another one, or are verified inline.
    if (this.queue.length > 0) this.flush();
  }
}
