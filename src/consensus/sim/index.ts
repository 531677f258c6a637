/**
 * Deterministic simulation of a consortium running the real consensus runtime and core.
 *
 * Entry points: `runSimulation({nodes, byzantine, seed})` (one seeded schedule) and
 * `runSeeds` (many; `ledger sim`). Parts: VirtualClock (time jumps to the next event; each
 * process reads it through a skewed ScopedClock), SeededRng (splitmix32, the only randomness),
 * SimNetwork (loss, duplication, delay and so reordering, partitions, isolation;
 * `transport(i)` is a Transport), SimLedger (the production LedgerChain and Mempool of each
 * process over an in-memory disk, with the production BlockSync beside it), SimClient
 * (seeded integrator accounts signing real asset and invoice transactions), MemorySafetyStore,
 * Byzantine behaviours (byzantine.ts, forker.ts, Twins), member-set changes (member-changes.ts:
 * spare processes added, members removed, replaced, reordered; SimTransport reindexes by
 * identity as Libp2pTransport does; these seeds still run the FakeApplication, whose changes
 * land at planned heights), InvariantMonitor with the EpochSchedule (checked after every
 * event), SimFaults (planted epoch bugs) and TraceHash (same seed, same hash).
 * Invariants checked: no two honest nodes commit different blocks (or suffix blocks) at one
 * height; every committed block names the epoch in force at its height and carries a valid
 * 2-chain certificate of that epoch's members (through its suffix headers at an epoch's end);
 * every honest node's own execution of a committed block gives the state root and receipts its
 * header claims, the same as every other honest node's at that height;
 * no honest node signs two votes in one view, nor votes in an epoch it is not a member of; no
 * height regression across restarts; after GST every honest member of the final epoch commits
 * again (and votes in it) within a bounded virtual time.
 * Tests: test/sim (1,000 seeds plus member-change seeds, determinism, planted bugs, regressions).
 */
export * from './rng.js';
export * from './virtual-clock.js';
export * from './sim-network.js';
export * from './fake-application.js';
export * from './block-source.js';
export * from './sim-ledger.js';
export * from './sim-client.js';
export * from './memory-safety-store.js';
export * from './byzantine.js';
export * from './invariants.js';
export * from './epoch-schedule.js';
export * from './member-changes.js';
export * from './sim-faults.js';
export * from './scenario.js';
export * from './sim-cluster.js';
export * from './simulation.js';
export * from './run-seeds.js';
export * from './trace.js';
