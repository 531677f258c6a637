import type { CoreOverrides } from '../core/core.js';
import type { CoreMutations } from '../core/types.js';
import type { SimFaults } from './sim-faults.js';
import type { PlantedSchedule } from './planted-schedules.js';
import { replayCommand, runSimulation, type SimResult } from './simulation.js';

/** Options of a multi-seed run. */
export interface RunSeedsOptions {
  readonly nodes: number;
  readonly byzantine: number;
  readonly seeds: number;
  /** First seed; seeds firstSeed .. firstSeed + seeds - 1 run. */
  readonly firstSeed: number;
  readonly mutations?: CoreMutations;
  /** Planted core parts (test/sim/planted-bugs.test.ts only). */
  readonly overrides?: CoreOverrides;
  /** Every seed also changes the member set (ledger sim --reconfigure). */
  readonly reconfigure?: boolean;
  /** Planted epoch bugs outside the core (test/sim/sim-faults.test.ts only). */
  readonly faults?: SimFaults;
  /** A broken leader schedule for one honest member (test/sim/schedule-bug.test.ts only). */
  readonly plantedSchedule?: PlantedSchedule;
  /** Stop at the first failing seed (planted-bug tests). */
  readonly stopOnFailure?: boolean;
  /**
   * Stop at the first seed with a safety violation, running on past liveness failures
   * (planted safety bugs: on the production chain a fork a broken core allowed can also end
   * as a stall, when the conflicting block cannot execute on the nodes that committed its sibling).
   */
  readonly stopOnSafety?: boolean;
  /** Called after every seed. */
  readonly onSeed?: (r: SimResult, done: number) => void;
}

/** Totals over seeds: the JSON line of `ledger sim` plus the failures themselves. */
export interface SeedsSummary {
  readonly nodes: number;
  readonly byzantine: number;
  readonly seeds: number;
  readonly safetyViolations: number;
  readonly livenessFailures: number;
  readonly committedBlocks: number;
  readonly failingSeeds: readonly number[];
  /** Failed runs with their violations and replay commands. */
  readonly failures: readonly (SimResult & { readonly replay: string })[];
}

/** Runs seeds one after another and totals them (a seed counts once per kind of failure). */
export async function runSeeds(opts: RunSeedsOptions): Promise<SeedsSummary> {
  let safetyViolations = 0;
  let livenessFailures = 0;
  let committedBlocks = 0;
  let done = 0;
  const failures: (SimResult & { replay: string })[] = [];
  for (let seed = opts.firstSeed; seed < opts.firstSeed + opts.seeds; seed++) {
    const r = await runSimulation({
      nodes: opts.nodes, byzantine: opts.byzantine, seed, ...(opts.mutations ? { mutations: opts.mutations } : {}),
      ...(opts.reconfigure ? { reconfigure: true } : {}), ...(opts.faults ? { faults: opts.faults } : {}),
      ...(opts.overrides ? { overrides: opts.overrides } : {}),
      ...(opts.plantedSchedule ? { plantedSchedule: opts.plantedSchedule } : {}),
    });
    done++;
    committedBlocks += r.committedBlocks;
    if (r.safetyViolation) safetyViolations++;
    if (r.livenessFailure) livenessFailures++;
    if (r.safetyViolation || r.livenessFailure) failures.push({ ...r, replay: replayCommand(opts.nodes, opts.byzantine, seed, opts.reconfigure === true) });
    opts.onSeed?.(r, done);
    if (opts.stopOnFailure && failures.length > 0) break;
    if (opts.stopOnSafety && r.safetyViolation) break;
  }
  return {
    nodes: opts.nodes, byzantine: opts.byzantine, seeds: done, safetyViolations, livenessFailures, committedBlocks,
    failingSeeds: failures.map((f) => f.seed), failures,
  };
}
