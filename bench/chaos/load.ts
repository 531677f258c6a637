// The load process of a chaos run, started inside its own network namespace: signs
// transactions and sends them open-loop at a steady rate, round-robin across members, as a
// real client would: a submit that fails or stays uncommitted past a timeout is sent again,
// byte for byte (same hash), to the next member. It follows the event stream of one reachable
// member to learn what was committed, and on SIGTERM (or when its time is up) writes what it
// saw to the job's output file. Input: a JSON job file (argv[2]).
import { readFile, writeFile } from 'node:fs/promises';
import { buildTx, txToJson } from '../../src/client/build-tx.js';
import { parseSse } from '../../src/client/sse.js';
import { loadKeyFile } from '../../src/crypto/keys.js';
import { createReadToken } from '../../src/crypto/read-token.js';
import type { SigningKey } from '../../src/crypto/ed25519.js';
import { txHash } from '../../src/crypto/tx.js';
import { toHex } from '../../src/util/bytes.js';

export interface LoadJob {
  readonly apis: readonly string[];
  readonly names: readonly string[];
  readonly chainId: string;
  readonly keyFiles: readonly string[];
  readonly ratePerSec: number;
  readonly durationMs: number;
  /** Resend an uncommitted transaction this long after its last send. */
  readonly resubmitAfterMs: number;
  /** Keep following commits this long after the last first send. */
  readonly drainMs: number;
  readonly outFile: string;
  /** Key file of an account that may read everything (reads carry a read token it signs). */
  readonly readKeyFile: string;
}

/** What the load writes at the end. */
export interface LoadResult {
  readonly t0: number;
  readonly sent: number;
  readonly resends: number;
  readonly outcomes: Record<string, number>;
  /** Every commit report, in the order seen: tx hash, the member's name, height, ms since t0. */
  readonly committed: { hash: string; member: string; height: number; atMs: number }[];
  readonly uncommitted: number;
}

interface Pending { readonly body: string; lastSendMs: number; member: number; attempts: number }

/**
 * Requests in flight per member at most: a paused or cut-off member holds each request for the
 * whole 3 s timeout, and an open-loop sender would otherwise pile up sockets without bound
 * (a real client's connection pool is bounded too). Over the cap a send waits for the resend pass.
 */
const MAX_IN_FLIGHT_PER_MEMBER = 64;

async function main(): Promise<void> {
  const job = JSON.parse(await readFile(process.argv[2] as string, 'utf8')) as LoadJob;
  const keys: SigningKey[] = await Promise.all(job.keyFiles.map((f) => loadKeyFile(f)));
  const reader = await loadKeyFile(job.readKeyFile);
  const nonces = keys.map(() => 0);
  const t0 = Date.now();
  const now = (): number => Date.now() - t0;
  const pending = new Map<string, Pending>();
  const committed: LoadResult['committed'] = [];
  const committedSet = new Set<string>();
  const outcomes: Record<string, number> = {};
  let sent = 0;
  let resends = 0;
  let stopping = false;

  const count = (k: string): void => {
    outcomes[k] = (outcomes[k] ?? 0) + 1;
  };
  const inFlight = job.apis.map(() => 0);
  const post = async (hash: string, p: Pending): Promise<void> => {
    p.lastSendMs = now();
    p.attempts++;
    const member = p.member;
    if ((inFlight[member] as number) >= MAX_IN_FLIGHT_PER_MEMBER) {
      count('throttled');
      return;
    }
    inFlight[member] = (inFlight[member] as number) + 1;
    try {
      const r = await fetch(`${job.apis[member]}/v1/transactions`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: p.body, signal: AbortSignal.timeout(3_000),
      });
      const text = await r.text();
      let code = String(r.status);
      if (r.status >= 400) {
        try {
          code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? code;
        } catch {
          // Not our envelope: the status is the code.
        }
      }
      count(code);
    } catch (e) {
      count((e as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable');
    } finally {
      inFlight[member] = (inFlight[member] as number) - 1;
    }
    void hash;
  };

  // Commits, as a member's event stream reports them; on a broken stream, the next member.
  const follow = async (): Promise<void> => {
    let from = 1;
    let member = 0;
    while (!stopping) {
      const ctl = new AbortController();
      try {
        const r = await fetch(`${job.apis[member]}/v1/events?fromHeight=${from}`, {
          signal: ctl.signal, headers: { authorization: `Bearer ${createReadToken(reader, job.chainId)}` },
        });
        if (r.body === null || !r.ok) throw new Error(`events ${r.status}`);
        const watchdog = setInterval(() => {
          if (stopping) ctl.abort();
        }, 200);
        try {
          for await (const ev of parseSse(r.body)) {
            if (ev.event !== 'block') continue;
            const b = JSON.parse(ev.data) as { height: number; txs: { hash: string }[] };
            from = b.height + 1;
            for (const t of b.txs) {
              committed.push({ hash: t.hash, member: job.names[member] as string, height: b.height, atMs: now() });
              committedSet.add(t.hash);
              pending.delete(t.hash);
            }
          }
        } finally {
          clearInterval(watchdog);
        }
      } catch {
        // The member is down, paused or cut off: ask the next one from the same height.
      }
      member = (member + 1) % job.apis.length;
      if (!stopping) await new Promise((r) => setTimeout(r, 250));
    }
  };
  const following = follow();

  // Once only: the end of the schedule and a SIGTERM may both ask for it.
  let finishing: Promise<void> | null = null;
  const finish = (): Promise<void> => {
    finishing ??= (async () => {
      stopping = true;
      await following;
      const result: LoadResult = { t0, sent, resends, outcomes, committed, uncommitted: pending.size };
      await writeFile(job.outFile, JSON.stringify(result) + '\n');
      process.exit(0);
    })();
    return finishing;
  };
  process.once('SIGTERM', () => void finish());

  // Open loop: every tick sends what the schedule says is due, whatever the members do.
  const total = Math.floor((job.durationMs / 1000) * job.ratePerSec);
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor((now() / 1000) * job.ratePerSec));
      while (next < due) {
        const a = next % keys.length;
        const key = keys[a] as SigningKey;
        const id = `chaos-${t0.toString(36)}-${next}`;
        const tx = buildTx(key, job.chainId, 'asset.register', { id, kind: 'warehouse-receipt', fingerprint: `fp-${id}`, metadata: { lot: next } }, (nonces[a] as number));
        nonces[a] = (nonces[a] as number) + 1;
        const hash = toHex(txHash(tx));
        const p: Pending = { body: JSON.stringify(txToJson(tx)), lastSendMs: 0, member: next % job.apis.length, attempts: 0 };
        pending.set(hash, p);
        sent++;
        void post(hash, p);
        next++;
      }
      // Resend what is overdue, to the next member (the one it went to may be the faulty one).
      const t = now();
      for (const [hash, p] of pending) {
        if (p.attempts > 0 && t - p.lastSendMs > job.resubmitAfterMs && !committedSet.has(hash)) {
          p.member = (p.member + 1) % job.apis.length;
          resends++;
          void post(hash, p);
        }
      }
      if (next >= total && (pending.size === 0 || t > job.durationMs + job.drainMs)) return resolve();
      setTimeout(tick, 20);
    };
    tick();
  });
  await finish();
}

main().catch((e: unknown) => {
  process.stderr.write(`chaos load: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
