import { measureCommitRate, reputationWarmupMs } from '../../consensus/sim/liveness-measure.js';
import { runSeeds } from '../../consensus/sim/run-seeds.js';
import { maxByzantine } from '../../consensus/sim/scenario.js';
import { replayCommand } from '../../consensus/sim/simulation.js';
import { EXIT, UsageError, type Command, type CommandIo } from '../command.js';

const HELP = `Usage: ledger sim --nodes N --byzantine F --seeds K [--seed S] [--reconfigure] [--liveness] [--json]

Runs the production node logic of N members, F of them Byzantine: consensus core and
runtime, chain (executor, contracts, state tree, block store in memory) and block sync, with a
seeded client submitting signed asset and invoice transactions, over K seeded
schedules of faults (message loss, duplication, delays that reorder, partitions that heal,
crashes and restarts, Twins, equivocating, conflicting, invalid, outdated and forking
members, skewed wall clocks, and attacks on top: edge and far-future block timestamps,
floods of future-view votes, inflated TCs) in virtual time, checking after every event that:
  - no two honest members commit different blocks at one height,
  - every committed block carries a valid 2-chain certificate of the member set in force at
    its height (an epoch's last block, through its suffix headers when needed),
  - every committed block names the epoch in force at its height (no block of an ended
    epoch's suffix is ever committed),
  - every honest member's own execution of each committed block gives the state root and
    receipts its header claims, the same as every other honest member's at that height,
  - no honest member signs two votes in one view, nor a vote in an epoch it is not a member of,
    nor two different proposals in one view (also across a restart),
  - every honest core holds a bounded number of peer votes and timeouts (at most one vote per
    member per view, in a bounded window of views),
  - no member's committed height goes down across a restart,
  - every honest proposal comes from the leader the schedule names after its parent
    (docs/protocol.md R3: all honest members agree on the leader reputation schedule),
  - after the network heals, every honest member (of the final epoch) commits again within a
    bounded time.

With --reconfigure every seed also changes the member set 1-3 times (docs/protocol.md R20):
1-2 extra processes start as non-members and are added (at the end or in the middle of the
list), members are removed (from the middle too, so indices shift), replaced or reordered,
with at most floor((n-1)/3) Byzantine members and at least 4 members whenever one is, in
every epoch. Seed S with --reconfigure has the same faults as seed S without it; N is the
number of members of the first epoch. Without --reconfigure the member set never changes.
Member-change seeds still run a stand-in application (no transactions, roots as a hash chain,
blocks copied from the longest honest chain as sync): its changes land at planned heights.

Options:
  --nodes N       members (at least 1)
  --byzantine F   Byzantine members, at most floor((N-1)/3)
  --seeds K       schedules to run
  --seed S        first seed (default 1): seeds S .. S+K-1 run
  --reconfigure   add member-set changes to every seed (see above)
  --liveness      also measure commits per virtual second of a calm cluster of N members all
                  up and with max(F, 1) members down for the whole run (the leader schedule's
                  cost of a down member; deterministic, whatever the machine)
  --json          print one JSON line last: {nodes, byzantine, seeds, safetyViolations,
                  livenessFailures, committedBlocks, failingSeeds}
  --help          this text

A failing seed prints the command that replays it; the same seed always runs the same way.
Exit codes: 0 no violation, 1 a violation was found, 2 usage error.`;

interface SimArgs {
  readonly nodes: number;
  readonly byzantine: number;
  readonly seeds: number;
  readonly seed: number;
  readonly reconfigure: boolean;
  readonly liveness: boolean;
  readonly json: boolean;
  readonly help: boolean;
}

function intArg(name: string, v: string | undefined, min: number): number {
  if (v === undefined || !/^\d+$/.test(v)) throw new UsageError(`${name} needs a whole number`);
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${name} must be at least ${min}`);
  return n;
}

/** Parses `ledger sim` arguments; throws UsageError. */
export function parseSimArgs(args: readonly string[]): SimArgs {
  let nodes: number | null = null;
  let byzantine: number | null = null;
  let seeds: number | null = null;
  let seed = 1;
  let json = false;
  let reconfigure = false;
  let liveness = false;
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    switch (a) {
      case '--nodes': nodes = intArg(a, args[++i], 1); break;
      case '--byzantine': byzantine = intArg(a, args[++i], 0); break;
      case '--seeds': seeds = intArg(a, args[++i], 1); break;
      case '--seed': seed = intArg(a, args[++i], 0); break;
      case '--json': json = true; break;
      case '--reconfigure': reconfigure = true; break;
      case '--liveness': liveness = true; break;
      case '--help': case '-h': help = true; break;
      default: throw new UsageError(`unknown argument ${a}`);
    }
  }
  if (help) return { nodes: 0, byzantine: 0, seeds: 0, seed, reconfigure, liveness, json, help };
  if (nodes === null || byzantine === null || seeds === null) throw new UsageError('--nodes, --byzantine and --seeds are required');
  if (byzantine > maxByzantine(nodes)) throw new UsageError(`${nodes} members tolerate at most ${maxByzantine(nodes)} Byzantine`);
  return { nodes, byzantine, seeds, seed, reconfigure, liveness, json, help };
}

// Progress goes to stderr at most this often, so long runs show life without flooding logs.
const PROGRESS_EVERY_MS = 5000;

/** `ledger sim`: the deterministic consensus simulator. */
export const simCommand: Command = {
  name: 'sim',
  summary: 'Simulate consensus under seeded faults and Byzantine members; check safety and liveness',
  help: HELP,
  async run(args: readonly string[], io: CommandIo): Promise<number> {
    const a = parseSimArgs(args);
    if (a.help) {
      io.out(HELP);
      return EXIT.ok;
    }
    const started = performance.now();
    let lastReport = started;
    const summary = await runSeeds({
      nodes: a.nodes, byzantine: a.byzantine, seeds: a.seeds, firstSeed: a.seed, reconfigure: a.reconfigure,
      onSeed: (r, done) => {
        if (r.safetyViolation || r.livenessFailure) {
          const v = r.violations[0];
          io.err(`seed ${r.seed} FAILED (${v?.kind ?? 'unknown'} at ${v?.atMs ?? 0}ms): ${v?.message ?? ''}`);
          io.err(`  scenario: ${r.scenario}`);
          io.err(`  replay:   ${replayCommand(a.nodes, a.byzantine, r.seed, a.reconfigure)}`);
        }
        const now = performance.now();
        if (now - lastReport >= PROGRESS_EVERY_MS) {
          lastReport = now;
          io.err(`sim: ${done}/${a.seeds} seeds, ${((now - started) / 1000).toFixed(1)}s`);
        }
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const failed = summary.safetyViolations + summary.livenessFailures > 0;
    io.out(
      `${summary.seeds} seeds of ${a.nodes} members (${a.byzantine} Byzantine${a.reconfigure ? ', member changes' : ''}): ${summary.safetyViolations} safety violations, ` +
      `${summary.livenessFailures} liveness failures, ${summary.committedBlocks} blocks committed, ${seconds.toFixed(1)}s`,
    );
    if (a.liveness && a.nodes < 2) io.err('sim: --liveness needs at least 2 members');
    if (a.liveness && a.nodes >= 2) {
      const down = Math.max(1, a.byzantine);
      const up = await measureCommitRate({ nodes: a.nodes, down: 0, virtualMs: 3000, warmupMs: 2000 });
      const slow = await measureCommitRate({ nodes: a.nodes, down, virtualMs: 3000, warmupMs: reputationWarmupMs(a.nodes) });
      io.out(
        `liveness (virtual time): ${a.nodes} members all up ${up.perSecond.toFixed(1)} commits/s, ${up.viewsPerSecond.toFixed(1)} views/s; ` +
        `${down} down ${slow.perSecond.toFixed(1)} commits/s, ${slow.viewsPerSecond.toFixed(1)} views/s (${((100 * slow.perSecond) / up.perSecond).toFixed(0)}% of all up)`,
      );
    }
    if (a.json) {
      io.out(JSON.stringify({
        nodes: summary.nodes, byzantine: summary.byzantine, seeds: summary.seeds, safetyViolations: summary.safetyViolations,
        livenessFailures: summary.livenessFailures, committedBlocks: summary.committedBlocks, failingSeeds: summary.failingSeeds,
      }));
    }
    return failed ? EXIT.failed : EXIT.ok;
  },
};
