// The nemesis: one fault at a time, chosen and timed by a seeded generator, each healed after
// a hold and followed by a wait for the cluster to recover. At most f members are faulty at
// once, except the planned no-quorum split and the restart of every member.
import { readFile } from 'node:fs/promises';
import { seededRng } from '../lib/harness.js';
import type { ChaosCluster } from './cluster.js';
import type { FaultRecord } from './checker.js';
import type { ClusterMonitor } from './monitor.js';
import type { NetnsNetwork } from './netns.js';

export const FAULT_KINDS = ['kill-restart', 'kill-leader', 'pause', 'isolate', 'split', 'restart-all', 'clock-skew', 'disk-full'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The bench's seeded generator (mulberry32) as floats in [0, 1): picks faults and times reproducibly. */
export function seededRandom(seed: number): () => number {
  const next = seededRng(seed);
  return () => next() / 4294967296;
}

export interface NemesisContext {
  readonly cluster: ChaosCluster;
  readonly net: NetnsNetwork;
  readonly monitor: ClusterMonitor;
  readonly rand: () => number;
  readonly t0: number;
  /** Hold of a fault, ms (min, max). */
  readonly holdMs: readonly [number, number];
  readonly catchUpTimeoutMs: number;
  readonly log: (line: string) => void;
  /** Headers that authenticate a read (a read token of an account that reads everything). */
  readonly readHeaders: () => Record<string, string>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function between(ctx: NemesisContext, [lo, hi]: readonly [number, number]): number {
  return Math.round(lo + ctx.rand() * (hi - lo));
}

function pick(ctx: NemesisContext, n: number): number {
  return Math.floor(ctx.rand() * n);
}

/** The proposer of the newest block any running member serves: the leader the chain just had. */
async function currentLeader(ctx: NemesisContext): Promise<number | null> {
  for (const m of ctx.cluster.members) {
    if (!ctx.cluster.running(m.index)) continue;
    try {
      const r = await fetch(`${m.api}/v1/blocks/latest`, { headers: ctx.readHeaders(), signal: AbortSignal.timeout(1_000) });
      if (r.ok) return ((await r.json()) as { header: { proposer: number } }).header.proposer;
    } catch {
      // Try the next member.
    }
  }
  return null;
}

/** Kills member i (SIGKILL) and returns once its process is gone. */
async function crash(ctx: NemesisContext, i: number): Promise<void> {
  await ctx.cluster.kill(i);
  ctx.monitor.reset(i);
}

/** Restarts member i and measures how long it takes to reach the head it restarted under. */
function restart(ctx: NemesisContext, i: number, skewS = 0): Promise<{ member: string; ms: number | null }> {
  const head = ctx.monitor.maxHeight();
  ctx.cluster.start(i, skewS);
  const name = ctx.cluster.member(i).name;
  return ctx.monitor.memberAt(i, head, ctx.catchUpTimeoutMs).then((ms) => ({ member: name, ms }));
}

/** One applied-and-healed fault. */
interface Applied {
  readonly targets: string[];
  readonly healMs: number;
  readonly catchUp: Promise<{ member: string; ms: number | null }>[];
  readonly noQuorumCommits?: number;
  readonly stoppedCleanly?: boolean;
}

/** Cuts member i off (paused or isolated), holds, heals, and measures its way back to the head it missed. */
async function outage(ctx: NemesisContext, i: number, hold: number, cut: (i: number) => void, heal: (i: number) => void): Promise<Applied> {
  const name = ctx.cluster.member(i).name;
  cut(i);
  await sleep(hold);
  const head = ctx.monitor.maxHeight();
  heal(i);
  return { targets: [name], healMs: Date.now() - ctx.t0, catchUp: [ctx.monitor.memberAt(i, head, ctx.catchUpTimeoutMs).then((ms) => ({ member: name, ms }))] };
}

async function apply(ctx: NemesisContext, kind: FaultKind): Promise<Applied> {
  const { cluster, net, monitor } = ctx;
  const n = cluster.members.length;
  const now = (): number => Date.now() - ctx.t0;
  const name = (i: number): string => cluster.member(i).name;
  const hold = between(ctx, ctx.holdMs);
  switch (kind) {
    case 'kill-restart': {
      const i = pick(ctx, n);
      await crash(ctx, i);
      await sleep(hold);
      const c = restart(ctx, i);
      return { targets: [name(i)], healMs: now(), catchUp: [c] };
    }
    case 'kill-leader': {
      // Three leaders in a row, each killed as soon as the chain has moved on to it.
      const targets: string[] = [];
      const catchUp: Applied['catchUp'] = [];
      let previous = -1;
      for (let k = 0; k < 3; k++) {
        // The newest block may still be the one the previous victim proposed: then its successor.
        const seen = (await currentLeader(ctx)) ?? pick(ctx, n);
        const leader = seen === previous ? (seen + 1) % n : seen;
        previous = leader;
        targets.push(name(leader));
        await crash(ctx, leader);
        await sleep(Math.min(hold, 3_000));
        catchUp.push(restart(ctx, leader));
        await monitor.commitAbove(monitor.maxHeight(), 10_000);
      }
      return { targets, healMs: now(), catchUp };
    }
    case 'pause':
      return outage(ctx, pick(ctx, n), hold, (i) => cluster.pause(i), (i) => cluster.resume(i));
    case 'isolate':
      return outage(ctx, pick(ctx, n), hold, (i) => net.isolate(i), (i) => net.reconnect(i));
    case 'split': {
      // Neither side holds a quorum (2/2 of 4, 4/3 of 7): progress must stop until the heal.
      const group = Array.from({ length: Math.floor(n / 2) }, (_, k) => n - 1 - k);
      net.split(group);
      await sleep(2_000);
      const settled = monitor.maxHeight();
      await sleep(Math.max(hold, 4_000));
      const noQuorumCommits = monitor.maxHeight() - settled;
      net.heal();
      return { targets: group.map(name), healMs: now(), catchUp: [], noQuorumCommits };
    }
    case 'restart-all': {
      await Promise.all(cluster.members.map((m) => crash(ctx, m.index)));
      await sleep(Math.min(hold, 3_000));
      const catchUp = cluster.members.map((m) => restart(ctx, m.index));
      return { targets: cluster.members.map((m) => m.name), healMs: now(), catchUp };
    }
    case 'clock-skew': {
      const i = pick(ctx, n);
      const skewS = (ctx.rand() < 0.5 ? -1 : 1) * (1 + pick(ctx, 3));
      await crash(ctx, i);
      const skewed = restart(ctx, i, skewS);
      await sleep(hold);
      await crash(ctx, i);
      const c = restart(ctx, i);
      await skewed;
      return { targets: [`${name(i)}${skewS > 0 ? '+' : ''}${skewS}s`], healMs: now(), catchUp: [c] };
    }
    case 'disk-full': {
      const i = pick(ctx, n);
      cluster.fillDisk(i);
      const exited = await cluster.waitExit(i, Math.max(hold, 15_000));
      const log = await readFile(cluster.member(i).logFile, 'utf8').catch(() => '');
      const lastExit = cluster.member(i).exits.at(-1);
      const stoppedCleanly = exited && lastExit?.code === 1 && /ENOSPC|no space|free disk space/i.test(log.slice(-20_000));
      if (!exited) await crash(ctx, i);
      cluster.freeDisk(i);
      ctx.monitor.reset(i);
      const c = restart(ctx, i);
      return { targets: [name(i)], healMs: now(), catchUp: [c], stoppedCleanly };
    }
  }
}

/** Applies faults until `untilMs` (since t0), one at a time, and returns their records. */
export async function runNemesis(ctx: NemesisContext, untilMs: number, gapMs: readonly [number, number], kinds: readonly FaultKind[]): Promise<FaultRecord[]> {
  const records: FaultRecord[] = [];
  // Every kind in each round, in a seeded order: a short run still sees every kind.
  let round: FaultKind[] = [];
  await sleep(between(ctx, gapMs));
  while (Date.now() - ctx.t0 < untilMs) {
    if (round.length === 0) {
      round = [...kinds];
      for (let k = round.length - 1; k > 0; k--) {
        const j = Math.floor(ctx.rand() * (k + 1));
        [round[k], round[j]] = [round[j] as FaultKind, round[k] as FaultKind];
      }
    }
    const kind = round.shift() as FaultKind;
    const startMs = Date.now() - ctx.t0;
    ctx.log(`fault ${records.length + 1}: ${kind} at ${(startMs / 1000).toFixed(1)} s`);
    const a = await apply(ctx, kind);
    const headAtHeal = ctx.monitor.maxHeight();
    const recoveryMs = await ctx.monitor.commitAbove(headAtHeal, 30_000);
    const catchUp = await Promise.all(a.catchUp);
    const rec: FaultRecord = {
      kind, targets: a.targets, startMs, healMs: a.healMs, recoveryMs, catchUp,
      ...(a.noQuorumCommits === undefined ? {} : { noQuorumCommits: a.noQuorumCommits }),
      ...(a.stoppedCleanly === undefined ? {} : { stoppedCleanly: a.stoppedCleanly }),
    };
    ctx.log(`  healed at ${(a.healMs / 1000).toFixed(1)} s: first commit after ${recoveryMs ?? 'never'} ms; catch-up ${catchUp.map((c) => `${c.member} ${c.ms ?? 'never'} ms`).join(', ') || '-'}`);
    records.push(rec);
    await sleep(between(ctx, gapMs));
  }
  return records;
}
