/**
 * The consensus core: 2-chain HotStuff (Jolteon / DiemBFT v4) as a pure state machine.
 *
 * Entry point: `HotStuffCore.step(event) -> ConsensusOutput` (core.ts). Events are peer
 * messages, timer expiries and the answers to the core's own requests (build, check and fetch
 * blocks, sync); the output lists, in the order the runtime must apply them, the safety state
 * to persist, the messages to send, the timer to set, the requests to serve and the blocks
 * committed with their certificates. No clock, randomness or I/O happens here, so the same
 * events always give the same outputs: the simulator (consensus/sim) relies on it.
 *
 * Parts: safety-rules.ts (R5-R10, the only code that decides to sign), pacemaker.ts (views,
 * back-off, R11-R15), block-tree.ts (uncommitted blocks, R16), certificates.ts and
 * collectors.ts (QC/TC verification with a cache, vote and timeout aggregation),
 * block-fetcher.ts (R17), leader-schedule.ts (R3), verify-proposal.ts (R4).
 *
 * Invariants: a vote or timeout is emitted only in an output whose `persist` holds the state
 * that produced it; a block is committed only with a 2-chain certificate (R12); peer input
 * never throws, a broken invariant throws InvariantError and the runtime halts.
 * Tests: test/unit/consensus (each rule, cited by number), test/sim (seeded simulations,
 * planted bugs, determinism).
 */
export * from './types.js';
export * from './core.js';
export * from './certificates.js';
export * from './block-tree.js';
export * from './leader-schedule.js';
export * from './safety-rules.js';
export * from './pacemaker.js';
export * from './verify-proposal.js';
