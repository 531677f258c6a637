/**
 * The consensus runtime: drives the pure core (consensus/core) with a Clock, a Transport
 * (channel 'consensus'), a safety store and the Application.
 *
 * Entry point: `ConsensusRuntime` (runtime.ts), constructed with (opts, deps) and started
 * once; `Application` (application.ts) is what the node implements over mempool, executor and
 * storage. Invariants: events are processed one at a time from a single inbox; each output
 * is applied as persist (awaited) -> send -> timer -> requests -> committed, so a vote or
 * timeout never leaves before the safety state that produced it is durable; commits never
 * hold up the next proposal (app-pipeline.ts). A broken core invariant halts the runtime
 * (CONSENSUS_HALTED) instead of continuing to vote.
 * Tests: test/unit/consensus/runtime.test.ts (ordering, empty-block delay, restart, fetch,
 * halting) over the simulator's SimNetwork; test/sim for whole clusters.
 */
export * from './application.js';
export * from './runtime.js';
export * from './app-pipeline.js';
