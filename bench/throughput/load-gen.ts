// The load process of the throughput benchmark (a separate OS process from the members):
// sends pre-signed transactions open-loop at a fixed rate over REST, round-robin across
// members, and watches one member's event stream for commits. Input: a JSON job file.
// Output: one JSON line on stdout with per-transaction send and commit times, and the CPU this
// process used while sending (it shares the machine's cores with the members).
import { readFile } from 'node:fs/promises';
import { parseSse } from '../../src/client/sse.js';
import { loadKeyFile } from '../../src/crypto/keys.js';
import { createReadToken } from '../../src/crypto/read-token.js';
import { HttpSender, type SendOutcome } from './http-sender.js';

interface Job {
  readonly apis: readonly string[];
  /** Pre-serialised POST bodies, in send order, with their hashes. */
  readonly txsFile: string;
  readonly ratePerSec: number;
  /** Stop waiting for commits this long after the last send. */
  readonly drainMs: number;
  /** Key file of an account that reads whole blocks (a member), and the chain id of its token. */
  readonly readKeyFile: string;
  readonly chainId: string;
}

interface Tx { readonly hash: string; readonly body: string }

async function main(): Promise<void> {
  const job = JSON.parse(await readFile(process.argv[2] as string, 'utf8')) as Job;
  const txs = (await readFile(job.txsFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Tx);
  const sentAt = new Float64Array(txs.length);
  const committedAt = new Map<string, number>();
  const index = new Map<string, number>();
  txs.forEach((t, i) => index.set(t.hash, i));
  let accepted = 0;
  let refused = 0;
  let failed = 0;
  const refusedCodes: Record<string, number> = {};

  // Commits, as the auditor-facing event stream reports them.
  const events = new AbortController();
  const first = job.apis[0] as string;
  const startHeight = ((await (await fetch(`${first}/v1/status`)).json()) as { height: number }).height;
  const watching = (async () => {
    // One token serves the whole stream: it is checked when the stream opens.
    const token = createReadToken(await loadKeyFile(job.readKeyFile), job.chainId);
    const r = await fetch(`${first}/v1/events?fromHeight=${startHeight + 1}`, { signal: events.signal, headers: { authorization: `Bearer ${token}` } });
    if (r.body === null) return;
    for await (const ev of parseSse(r.body)) {
      if (ev.event !== 'block') continue;
      const b = JSON.parse(ev.data) as { txs: { hash: string }[] };
      const now = performance.now();
      for (const t of b.txs) if (index.has(t.hash)) committedAt.set(t.hash, now);
      if (committedAt.size === txs.length) return;
    }
  })().catch(() => undefined);

  // 16 keep-alive connections per member, as a pool of integrator clients would hold.
  const senders = job.apis.map((a) => new HttpSender(a, 16));
  const requests = txs.map((t, i) => (senders[i % senders.length] as HttpSender).request('/v1/transactions', t.body));
  const answered = (o: SendOutcome): void => {
    if (o.status === 202) accepted++;
    else if (!('body' in o)) failed++;
    else {
      refused++;
      let code = String(o.status);
      try {
        code = (JSON.parse(o.body.toString('utf8')) as { error?: { code?: string } }).error?.code ?? code;
      } catch {
        // Not our error envelope: the status is the code.
      }
      refusedCodes[code] = (refusedCodes[code] ?? 0) + 1;
    }
  };
  const post = (i: number): void => {
    (senders[i % senders.length] as HttpSender).send(requests[i] as Buffer, answered);
    sentAt[i] = performance.now();
  };

  // Open loop: every tick sends what the schedule says is due, whatever the server does.
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(txs.length, Math.floor(((performance.now() - t0) / 1000) * job.ratePerSec));
      while (next < due) post(next++);
      if (next >= txs.length) return resolve();
      setTimeout(tick, 5);
    };
    tick();
  });
  const sendEnd = performance.now();
  await Promise.race([watching, new Promise((r) => setTimeout(r, job.drainMs))]);
  events.abort();
  for (const s of senders) s.close();
  const commits: [number, number][] = [];
  for (const [h, at] of committedAt) {
    const i = index.get(h) as number;
    commits.push([sentAt[i] as number, at]);
  }
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(JSON.stringify({ t0, sendEnd, sent: next, accepted, refused, failed, refusedCodes, commits, cpuUs: cpu.user + cpu.system }) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`load-gen: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
