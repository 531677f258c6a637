import { decodeConsensusMessage } from '../../codec/consensus.js';
import { toHex } from '../../util/bytes.js';
import { VOTE_WINDOW_VIEWS, type CoreOverrides } from '../core/core.js';
import type { CoreMutations, SignatureVerifier } from '../core/types.js';
import { EpochSchedule } from './epoch-schedule.js';
import { FakeApplication } from './fake-application.js';
import { InvariantMonitor, type Violation } from './invariants.js';
import { SeededRng } from './rng.js';
import { describeScenario, generateScenario, SIM_PARAMS, type Scenario } from './scenario.js';
import { cachedVerifier } from './cached-verifier.js';
import { SimCluster, SIM_CHAIN_ID, simKey, type SimInstance } from './sim-cluster.js';
import type { SimFaults } from './sim-faults.js';
import type { PlantedSchedule } from './planted-schedules.js';
import { CALM_LINKS, SimNetwork, type NodeId } from './sim-network.js';
import { TraceHash } from './trace.js';
import { VirtualClock } from './virtual-clock.js';

/** Options of one simulated run. */
export interface SimulationOptions {
  readonly nodes: number;
  readonly byzantine: number;
  readonly seed: number;
  /** Planted bugs for honest nodes (test/sim/mutations.test.ts only). */
  readonly mutations?: CoreMutations;
  /** Planted core parts for honest nodes (test/sim/planted-bugs.test.ts only). */
  readonly overrides?: CoreOverrides;
  /** Add member-set changes to the seed's scenario (scenario.ts ScenarioOptions). */
  readonly reconfigure?: boolean;
  /** Planted epoch bugs outside the core, for honest nodes (test/sim/sim-faults.test.ts only). */
  readonly faults?: SimFaults;
  /** A broken leader schedule for the lowest honest member (test/sim/schedule-bug.test.ts only). */
  readonly plantedSchedule?: PlantedSchedule;
  /** Replaces the scenario derived from the seed (hand-written tests). */
  readonly scenario?: Scenario;
  /** Safety net against a run that never ends (default 2,000,000 events). */
  readonly maxEvents?: number;
  readonly verifier?: SignatureVerifier;
  /** Receives every core debug line and runtime log line, prefixed with the virtual time and node id (replaying a failure). */
  readonly log?: (line: string) => void;
}

/** Outcome of one run. */
export interface SimResult {
  readonly seed: number;
  readonly nodes: number;
  readonly byzantine: number;
  readonly scenario: string;
  readonly violations: readonly Violation[];
  readonly safetyViolation: boolean;
  readonly livenessFailure: boolean;
  /** Blocks committed by honest nodes (each node counted). */
  readonly committedBlocks: number;
  /** Signed transactions in those blocks (each node counted; 0 on the member-change path). */
  readonly committedTxs: number;
  readonly traceHash: string;
  readonly virtualMs: number;
  readonly events: number;
  readonly messages: number;
  /** Virtual time from GST until every honest node had committed the liveness target; null if never. */
  readonly recoveryMs: number | null;
  /** Each honest process at the end of the run, by node id (first instance of twins). */
  readonly processes: readonly ProcessOutcome[];
}

/** Where one honest process ended a run. */
export interface ProcessOutcome {
  readonly node: NodeId;
  /** Committed height. */
  readonly height: number;
  /** The epoch its runtime was in at the end (-1 when it was down). */
  readonly epoch: number;
  /** True when its runtime was voting (a member of that epoch) at the end. */
  readonly voting: boolean;
  /** Latest epoch it signed a vote in (-1: none). */
  readonly lastVoteEpoch: number;
}

// How long the adversary may keep a member cut off (always healed by GST).
const ISOLATION_MS = 1500;

// One verifier for every run of this process: results depend only on (key, message, signature).
const SHARED_VERIFIER = cachedVerifier();

/** The command that replays one seed. */
export function replayCommand(nodes: number, byzantine: number, seed: number, reconfigure = false): string {
  return `ledger sim --nodes ${nodes} --byzantine ${byzantine} --seeds 1 --seed ${seed}${reconfigure ? ' --reconfigure' : ''}`;
}

// Every promise chain of the runtimes resolves within microtasks (the fakes never wait on real
// I/O), so one macrotask turn lets all of them settle before the next virtual event.
function isTimeout(bytes: Uint8Array): boolean {
  try {
    return decodeConsensusMessage(bytes).type === 'timeout';
  } catch {
    return false;
  }
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs one seeded schedule: a consortium of real runtimes over the simulated network with the
 * scenario's faults until GST, then a calm network; stops at the first safety violation, when
 * every honest member of the final epoch has committed `livenessBlocks` past the highest GST
 * height and past the last planned reconfiguration block (and, with member changes, has voted
 * in that epoch: an added member caught up and took part), which is success, or at GST +
 * livenessBoundMs (liveness failure). Removed members are not judged after their removal.
 */
export async function runSimulation(opts: SimulationOptions): Promise<SimResult> {
  const sc = opts.scenario ?? generateScenario(opts.seed, opts.nodes, opts.byzantine, { reconfigure: opts.reconfigure === true });
  const clock = new VirtualClock();
  const rng = new SeededRng(opts.seed ^ 0x2545f491);
  const net = new SimNetwork(clock, rng.fork(), sc.members.initial);
  const trace = new TraceHash();
  const honest = (m: NodeId): boolean => !sc.behaviours.has(m);
  const verifier = opts.verifier ?? SHARED_VERIFIER;
  const epochs = new EpochSchedule(sc.members, (n) => simKey(n).publicKey);
  const monitor = new InvariantMonitor({ chainId: SIM_CHAIN_ID, epochs, honest, now: () => clock.now(), verifier });
  // R24: while an idle window lasts every member's pool is empty.
  const pool = { empty: false };
  const judgedIdle = sc.idle.find((w) => w.quietFromMs !== undefined);
  const quietNow = (): boolean => judgedIdle?.quietFromMs !== undefined && clock.now() >= judgedIdle.quietFromMs && clock.now() < judgedIdle.atMs + judgedIdle.durationMs;
  // Liveness is judged from GST, or from the end of an idle window starting there.
  const liveFromMs = judgedIdle === undefined ? sc.gstMs : judgedIdle.atMs + judgedIdle.durationMs;
  const c = new SimCluster(
    {
      nodes: sc.nodes, members: sc.members, params: SIM_PARAMS, behaviours: sc.behaviours, txsPerBlock: 1, txBytes: 32, pool,
      ...(opts.mutations ? { mutations: opts.mutations } : {}), ...(opts.faults ? { faults: opts.faults } : {}),
      ...(opts.overrides ? { overrides: opts.overrides } : {}),
      ...(sc.attacks ? { attacks: sc.attacks } : {}), ...(sc.clockSkewMs ? { clockSkewMs: sc.clockSkewMs } : {}),
      ...(opts.plantedSchedule ? { plantedSchedule: { node: [...Array(sc.nodes).keys()].find(honest) ?? 0, kind: opts.plantedSchedule } } : {}),
    },
    {
      clock, net, rng: rng.fork(), verifier,
      isolate: (member) => {
        if (clock.now() < sc.gstMs) net.isolate(member, Math.min(clock.now() + ISOLATION_MS, sc.gstMs));
      },
      log: opts.log ? (node, level, obj, msg) => opts.log?.(`${clock.now()} [${node}]${level === 'debug' ? '' : ' ' + level} ${msg} ${JSON.stringify(obj)}`) : null,
      onCommit: (member, blocks) => {
        for (const b of blocks) trace.record('c', member, b.block.header.height, toHex(b.hash));
        monitor.onCommit(member, blocks);
        if (quietNow() && honest(member)) monitor.report('liveness', `quiet idle chain (R24): member ${member} committed height ${blocks[blocks.length - 1]?.block.header.height} while idle`);
      },
      onExecuted: (member, { committed, exec }) => {
        trace.record('s', member, committed.block.header.height, toHex(exec.stateRoot), toHex(exec.receiptsRoot));
        monitor.onExecuted(member, committed.block, { stateRoot: exec.stateRoot, receiptsRoot: exec.receiptsRoot, receipts: exec.receipts.length });
      },
      onFatal: (member, err) => {
        if (honest(member)) monitor.report('safety', `member ${member} halted: ${String(err)}`);
      },
    },
  );
  const votesSent = new Map<number, number>();
  let gstHeight = -1;
  let recoveredAt: number | null = null;

  net.onDeliver((ep, from, channel, bytes) => {
    trace.record('d', clock.now(), ep, from, channel);
    trace.recordBytes(bytes);
  });
  net.onSend((ep, from, _to, channel, bytes) => {
    if (channel !== 'consensus') return;
    monitor.onSend(from, bytes);
    if (quietNow() && honest(from) && isTimeout(bytes)) monitor.report('liveness', `quiet idle chain (R24): member ${from} sent a timeout while idle`);
    // A crash right after a vote left: the safety state must already be durable (R9).
    const isVote = bytes[0] === 0x93 && bytes[1] === 0x01;
    const rule = sc.crashAfterVote.find((r) => r.member === from);
    if (!isVote || rule === undefined || clock.now() >= sc.gstMs) return;
    const n = (votesSent.get(from) ?? 0) + 1;
    votesSent.set(from, n);
    const inst = c.instances.find((i) => i.transport.endpointId === ep);
    if (n === rule.vote && inst !== undefined) crashAndRestart(inst, Math.min(clock.now() + rule.downMs, sc.gstMs));
  });

  function crashAndRestart(inst: SimInstance, at: number): void {
    trace.record('x', clock.now(), inst.node);
    c.crash(inst);
    clock.schedule(at, () => void restart(inst.node));
  }

  async function restart(node: NodeId): Promise<void> {
    const inst = await c.restart(node);
    if (inst === null) return;
    trace.record('r', clock.now(), node);
    monitor.onRestart(node, inst.app.committedHead().height);
  }

  net.setFaults(sc.chaos);
  for (const p of sc.partitions) {
    clock.schedule(p.atMs, () => {
      const r = rng.fork();
      const groups = new Map<number, number>();
      net.partition((ep) => {
        let g = groups.get(ep);
        if (g === undefined) {
          g = r.range(0, p.groups - 1);
          groups.set(ep, g);
        }
        return g;
      });
    });
    clock.schedule(Math.min(p.atMs + p.durationMs, sc.gstMs), () => net.partition(null));
  }
  for (const cr of sc.crashes) {
    clock.schedule(cr.atMs, () => {
      for (const inst of c.instances.filter((i) => i.node === cr.member)) crashAndRestart(inst, Math.min(cr.atMs + cr.downMs, sc.gstMs));
    });
  }
  for (const w of sc.idle) {
    clock.schedule(w.atMs, () => {
      pool.empty = true;
    });
    clock.schedule(w.atMs + w.durationMs, () => {
      pool.empty = false;
      // The FakeApplication's pool refills at once; on the real chain the client's next tick
      // offers its transactions again (SimClient `paused`).
      for (const inst of c.instances) if (inst.alive && inst.app instanceof FakeApplication) inst.app.announceTxs();
    });
  }
  clock.schedule(sc.gstMs, () => {
    net.setFaults({ ...CALM_LINKS, maxDelayMs: 50 });
    net.partition(null);
    for (let n = 0; n < c.processes; n++) if (honest(n)) void restart(n);
    if (liveFromMs === sc.gstMs) gstHeight = monitor.maxHeight;
  });
  if (liveFromMs !== sc.gstMs) {
    clock.schedule(liveFromMs, () => {
      gstHeight = monitor.maxHeight;
    });
  }

  await c.startAll();
  await settle();
  const maxEvents = opts.maxEvents ?? 2_000_000;
  const deadline = liveFromMs + sc.livenessBoundMs;
  let events = 0;
  const changes = sc.members.changes.length > 0;
  // Judged after GST: the honest members of the epoch in force at the target height. Without
  // member changes that is every honest member and the target is GST height + livenessBlocks.
  const target = (): number => Math.max(gstHeight, epochs.lastChangeHeight) + sc.livenessBlocks;
  const judged = (): NodeId[] => {
    const e = epochs.epochAt(target());
    return [...epochs.members(e)].filter(honest).sort((a, b) => a - b);
  };
  const recovered = (): boolean => {
    const e = epochs.epochAt(target());
    return judged().every((n) => monitor.heightOf(n) >= target() && (!changes || monitor.votedSince(n, e)));
  };
  // Bounded memory per peer (R8, R11): what an honest core holds for others, as numbers.
  const checkHoldings = (): void => {
    for (const inst of c.instances) {
      const h = honest(inst.node) ? inst.runtime.holdings : null;
      if (h === null) continue;
      const n = inst.transport.memberCount;
      if (h.maxVotesPerView > n || h.votes > n * (VOTE_WINDOW_VIEWS + 2) || h.timeouts > 2 * n) {
        monitor.report('safety', `member ${inst.node} holds unbounded peer input: ${h.votes} votes (${h.maxVotesPerView} in one view), ${h.timeouts} timeouts for ${n} members`);
      }
    }
  };
  while (clock.runNext()) {
    await settle();
    events++;
    if (events % 16 === 0) checkHoldings();
    if (monitor.violations.some((v) => v.kind === 'safety')) break;
    if (gstHeight >= 0 && recovered()) {
      recoveredAt = clock.now();
      break;
    }
    if (clock.now() > deadline || events >= maxEvents) break;
  }
  const safetyViolation = monitor.violations.some((v) => v.kind === 'safety');
  if (!safetyViolation && recoveredAt === null) {
    const e = epochs.epochAt(target());
    const heights = judged().map((n) => `${n}:${monitor.heightOf(n)}${changes && !monitor.votedSince(n, e) ? '(no vote in epoch ' + e + ')' : ''}`).join(' ');
    const goal = changes ? `, target height ${target()} in epoch ${e}` : '';
    monitor.report('liveness', `no progress within ${sc.livenessBoundMs}ms after GST (GST height ${gstHeight}${goal}, heights ${heights})`);
  }
  const processes: ProcessOutcome[] = [];
  for (let n = 0; n < c.processes; n++) {
    if (!honest(n)) continue;
    const rt = c.instances.find((i) => i.node === n && i.slot === 0)?.runtime;
    processes.push({ node: n, height: monitor.heightOf(n), epoch: rt?.currentEpoch?.epoch ?? -1, voting: rt?.voting ?? false, lastVoteEpoch: monitor.lastVoteEpoch(n) });
  }
  c.stopAll();
  monitor.finish();
  const violations = monitor.violations;
  return {
    seed: sc.seed, nodes: sc.nodes, byzantine: sc.byzantine, scenario: describeScenario(sc), violations,
    safetyViolation: violations.some((v) => v.kind === 'safety'),
    // A quiet-idle violation (R24) counts as a liveness failure too.
    livenessFailure: !safetyViolation && violations.some((v) => v.kind === 'liveness'),
    committedBlocks: monitor.committedBlocks, committedTxs: monitor.committedTxs, traceHash: trace.digest(), virtualMs: clock.now(), events,
    messages: net.messagesSent, recoveryMs: recoveredAt === null ? null : recoveredAt - liveFromMs, processes,
  };
}
