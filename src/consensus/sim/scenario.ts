import type { MemberIndex } from '../../types/primitives.js';
import { faultBound } from '../core/certificates.js';
import { reputationWindow } from '../core/leader-schedule.js';
import { ATTACKS, BEHAVIOURS, REPUTATION_BEHAVIOURS, type Attack, type Behaviour } from './byzantine.js';
import { describeMemberPlan, fixedMembers, planMemberChanges, type MemberPlan } from './member-changes.js';
import { SeededRng } from './rng.js';
import type { LinkFaults } from './sim-network.js';

/** A crash of an honest member and its restart (from what it persisted). */
export interface CrashEvent {
  readonly member: MemberIndex;
  readonly atMs: number;
  readonly downMs: number;
}

/** A partition: endpoints are split into `groups` random groups for a while, then healed. */
export interface PartitionEvent {
  readonly atMs: number;
  readonly durationMs: number;
  readonly groups: number;
}

/**
 * A period in which every member's pool is empty (R24). Before GST it meets the faults; one
 * starting at GST (`quietFromMs` set) is judged: from quietFromMs until it ends, with a calm
 * network, no honest member may send a timeout or commit a block.
 */
export interface IdleWindow {
  readonly atMs: number;
  readonly durationMs: number;
  readonly quietFromMs?: number;
}

/**
 * Everything a seed decides about a run. Members are named by node id (the process and its
 * key, simKey(id)); without member changes node id i is member index i of the one epoch.
 */
export interface Scenario {
  readonly seed: number;
  /** Members of epoch 0. */
  readonly nodes: number;
  readonly byzantine: number;
  readonly behaviours: ReadonlyMap<MemberIndex, Behaviour>;
  /** Processes, epoch 0's members and the member changes (R20); one fixed epoch unless reconfiguring. */
  readonly members: MemberPlan;
  /** Faults apply in [0, gstMs); after GST the network is calm and every crashed node is back. */
  readonly gstMs: number;
  readonly chaos: LinkFaults;
  readonly partitions: readonly PartitionEvent[];
  readonly crashes: readonly CrashEvent[];
  /** Members that crash right after sending their k-th vote, then restart after downMs. */
  readonly crashAfterVote: readonly { member: MemberIndex; vote: number; downMs: number }[];
  /** Idle periods; liveness is judged from the end of one starting at GST. */
  readonly idle: readonly IdleWindow[];
  /**
   * Every honest member of the final epoch must commit this many blocks past the GST height
   * and past the last reconfiguration block (3, or a reputation window and a turn of every
   * member more in 30% of the seeds, so that the leader schedule's window fills and is judged)...
   */
  readonly livenessBlocks: number;
  /** ...within this much virtual time after GST. */
  readonly livenessBoundMs: number;
  /** Attacks every Byzantine member adds to its behaviour (byzantine.ts ATTACKS). */
  readonly attacks?: readonly Attack[];
  /** Wall-clock offset of each process (block timestamps, R5); absent means 0. */
  readonly clockSkewMs?: ReadonlyMap<MemberIndex, number>;
}

/** R5 in the simulator: votes wait for, or skip, blocks stamped more than this ahead. */
export const SIM_MAX_CLOCK_SKEW_MS = 1000;
// Honest clocks are off by up to this much each (pairwise up to 1,200 ms: some votes wait).
const HONEST_SKEW_MS = 600;

/** Most Byzantine members a consortium of `nodes` tolerates: floor((n-1)/3). */
export function maxByzantine(nodes: number): number {
  return faultBound(nodes);
}

/** Consensus timing used by simulated nodes (genesis.consensus of the simulated chain). */
export const SIM_PARAMS = {
  viewTimeoutMs: 400,
  maxViewTimeoutMs: 3200,
  maxBlockTxs: 1000,
  maxBlockBytes: 1024 * 1024,
  heartbeatMinutes: 0,
} as const;

/** Scenario kinds beyond the seeded faults. */
export interface ScenarioOptions {
  /** Add 1-3 member-set changes (member-changes.ts) on top of the seed's faults. */
  readonly reconfigure?: boolean;
}

// Seeds the member-change stream apart from the fault stream, so seed S with reconfigure has
// exactly the faults of seed S without it (and old seeds keep their schedules).
const MEMBER_STREAM = 0x6d656d62;
// Likewise for the attacks and clock skews, so that seeds without them keep their schedules.
const ATTACK_STREAM = 0x61747463;
// Likewise for what exercises the leader schedule (R3a-R3d): behaviours aimed at it, and runs
// long enough after GST for its window to fill and be judged.
const REPUTATION_STREAM = 0x72657075;
// Likewise for idle windows.
const IDLE_STREAM = 0x69646c65;
// Time for the blocks in flight at the start of an idle window to commit (a few capped view
// timeouts when a Byzantine leader is on the way) before quiet is judged.
const IDLE_SETTLE_MS = 12_000;

// Half the seeds stay busy throughout; the others get an idle period among the faults, one
// right at GST, or both.
function idleWindows(seed: number, gstMs: number): IdleWindow[] {
  const r = new SeededRng(seed ^ IDLE_STREAM);
  const kind = r.range(0, 3);
  const out: IdleWindow[] = [];
  if (kind === 1 || kind === 3) {
    // Ends by GST, so that it never cuts into the judged window.
    const atMs = r.range(0, gstMs - 100);
    out.push({ atMs, durationMs: Math.min(r.range(100, 2500), gstMs - atMs) });
  }
  if (kind === 2 || kind === 3) {
    const durationMs = r.range(IDLE_SETTLE_MS + 3000, IDLE_SETTLE_MS + 20_000);
    out.push({ atMs: gstMs, durationMs, quietFromMs: gstMs + IDLE_SETTLE_MS });
  }
  return out;
}

/**
 * Derives a scenario from a seed: which members are Byzantine and how, and a fault schedule
 * (loss, duplication, delays that reorder, partitions that heal, crashes and restarts,
 * crashes right after a vote) until GST, and with `reconfigure` a plan of member changes
 * (with a crash of a spare process now and then). The same seed always gives the same scenario.
 */
export function generateScenario(seed: number, nodes: number, byzantine: number, opts: ScenarioOptions = {}): Scenario {
  const rng = new SeededRng(seed);
  const behaviours = new Map<MemberIndex, Behaviour>();
  const order = shuffle(rng, [...Array(nodes).keys()]);
  for (let i = 0; i < byzantine; i++) behaviours.set(order[i] as MemberIndex, rng.pick(BEHAVIOURS));
  const honest = order.slice(byzantine);
  const gstMs = rng.range(1500, 4000);
  const chaos: LinkFaults = {
    dropRate: rng.pick([0, 0.02, 0.05, 0.1, 0.2]),
    dupRate: rng.pick([0, 0.02, 0.1]),
    minDelayMs: rng.range(1, 10),
    maxDelayMs: rng.pick([20, 50, 150, 400]),
    reorder: rng.chance(0.7),
  };
  const partitions: PartitionEvent[] = [];
  for (let i = rng.range(0, 2); i > 0; i--) {
    partitions.push({ atMs: rng.range(0, gstMs - 200), durationMs: rng.range(100, 1500), groups: rng.range(2, 3) });
  }
  const crashes: CrashEvent[] = [];
  for (let i = rng.range(0, 2); i > 0 && honest.length > 0; i--) {
    crashes.push({ member: rng.pick(honest), atMs: rng.range(0, gstMs - 100), downMs: rng.range(20, 2500) });
  }
  const crashAfterVote: { member: MemberIndex; vote: number; downMs: number }[] = [];
  if (honest.length > 0 && rng.chance(0.5)) {
    crashAfterVote.push({ member: rng.pick(honest), vote: rng.range(1, 30), downMs: rng.range(1, 200) });
  }
  const rep = new SeededRng(seed ^ REPUTATION_STREAM);
  for (const m of order.slice(0, byzantine)) if (rep.chance(0.3)) behaviours.set(m as MemberIndex, rep.pick(REPUTATION_BEHAVIOURS));
  const longRun = rep.chance(0.3);
  let members = fixedMembers(nodes);
  if (opts.reconfigure === true) {
    const mr = new SeededRng(seed ^ MEMBER_STREAM);
    members = planMemberChanges(mr, nodes, (n) => behaviours.has(n));
    for (let spare = nodes; spare < members.processes; spare++) {
      if (mr.chance(0.3)) crashes.push({ member: spare, atMs: mr.range(0, gstMs - 100), downMs: mr.range(20, 2500) });
    }
  }
  const ar = new SeededRng(seed ^ ATTACK_STREAM);
  const attacks: Attack[] = [];
  if (byzantine > 0 && ar.chance(0.4)) {
    for (const a of ATTACKS) if (ar.chance(0.5)) attacks.push(a);
  }
  const clockSkewMs = new Map<MemberIndex, number>();
  const skewed = ar.chance(0.3);
  if (skewed) for (let n = 0; n < nodes; n++) clockSkewMs.set(n, ar.range(-HONEST_SKEW_MS, HONEST_SKEW_MS));
  if (attacks.includes('timewarp')) {
    // At the edge of the bound (some honest clocks vote at once, some wait, some skip), or far.
    for (const b of behaviours.keys()) clockSkewMs.set(b, ar.chance(0.8) ? SIM_MAX_CLOCK_SKEW_MS + ar.range(-300, 500) : 1e9);
  }
  // Spare processes (member changes) last, so that seed S keeps its members' clocks.
  if (skewed) for (let n = nodes; n < members.processes; n++) clockSkewMs.set(n, ar.range(-HONEST_SKEW_MS, HONEST_SKEW_MS));
  return {
    seed, nodes, byzantine, behaviours, members, gstMs, chaos, partitions, crashes, crashAfterVote, idle: idleWindows(seed, gstMs),
    livenessBlocks: longRun ? 3 + reputationWindow(nodes) + nodes : 3,
    livenessBoundMs: 60_000,
    attacks, clockSkewMs,
  };
}

function shuffle<T>(rng: SeededRng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.range(0, i);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/** One line describing a scenario, for failure reports. */
export function describeScenario(s: Scenario): string {
  const byz = [...s.behaviours].map(([m, b]) => `${m}:${b}`).join(',') || 'none';
  return `byzantine=[${byz}] gst=${s.gstMs}ms drop=${s.chaos.dropRate} dup=${s.chaos.dupRate} delay=${s.chaos.minDelayMs}-${s.chaos.maxDelayMs}ms${s.chaos.reorder ? ' reorder' : ''} ` +
    `partitions=${s.partitions.length} crashes=${s.crashes.length} crashAfterVote=${s.crashAfterVote.length}` +
    (s.idle.length > 0 ? ` idle=${s.idle.map((w) => `${w.atMs}+${w.durationMs}ms`).join(',')}` : '') +
    (s.members.changes.length > 0 ? ` processes=${s.members.processes} changes=${describeMemberPlan(s.members)}` : '') +
    ((s.attacks ?? []).length > 0 ? ` attacks=${(s.attacks ?? []).join(',')}` : '') +
    ((s.clockSkewMs?.size ?? 0) > 0 ? ` skew=${[...(s.clockSkewMs ?? [])].map(([n, ms]) => `${n}:${ms}`).join(',')}` : '');
}
