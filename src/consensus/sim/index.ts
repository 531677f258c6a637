/**
 * Deterministic simulation of a consortium running the real consensus runtime and core.
 *
 * Entry points: `runSimulation({nodes, byzantine, seed})` (one seeded schedule) and
 * `runSeeds` (many; `ledger sim`). Parts: VirtualClock (time jumps to the next event),
 * SeededRng (splitmix32, the only randomness), SimNetwork (loss, duplication, delay and so
 * reordering, partitions, isolation; `transport(i)` is a Transport), FakeApplication
 * (deterministic payloads, stateRoot as a hash chain, real re-execution), MemorySafetyStore,
 * Byzantine behaviours (byzantine.ts, forker.ts, Twins), InvariantMonitor (checked after
 * every event) and TraceHash (same seed, same hash).
 * Invariants checked: no two honest nodes commit different blocks at one height; every
 * committed block carries a valid 2-chain certificate of the member set; no honest node signs
 * two votes in one view; no height regression across restarts; after GST every honest node
 * commits again within a bounded virtual time.
 * Tests: test/sim (1,000 seeds, determinism, planted bugs, regressions).
 */
export * from './rng.js';
export * from './virtual-clock.js';
export * from './sim-network.js';
export * from './fake-application.js';
export * from './memory-safety-store.js';
export * from './byzantine.js';
export * from './invariants.js';
export * from './scenario.js';
export * from './sim-cluster.js';
export * from './simulation.js';
export * from './run-seeds.js';
export * from './trace.js';
