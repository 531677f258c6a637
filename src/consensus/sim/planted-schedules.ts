import { reputationSchedule, type LeaderSchedule, type ScheduleEntry } from '../core/leader-schedule.js';

/**
 * Deliberately broken leader schedules for the planted-bug test (test/sim/schedule-bug.test.ts),
 * injected into one honest member's core (CoreDeps.schedule); production code never builds one.
 */
export type PlantedSchedule = 'uncommittedView';

/**
 * `uncommittedView`: judges every view from the newest chain this member has seen, blocks it
 * voted for or proposed but nobody certified included, instead of the chain the view's
 * proposal extends: its own, uncommitted view of history.
 */
export function plantedSchedule(kind: PlantedSchedule): LeaderSchedule {
  switch (kind) {
    case 'uncommittedView': {
      let newest: readonly ScheduleEntry[] = [];
      return {
        leaderFor(view, chain, memberCount) {
          const top = chain[chain.length - 1];
          const mine = newest[newest.length - 1];
          if (mine === undefined || (top !== undefined && top.height >= mine.height)) newest = chain;
          return reputationSchedule.leaderFor(view, newest, memberCount);
        },
      };
    }
  }
}
