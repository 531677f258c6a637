/**
 * World state and the built-in contracts: the application half of the node (the consensus
 * half never looks inside transactions).
 *
 * Entry points:
 * - executeBlock (executor.ts): pure, synchronous block execution over an immutable
 *   StateTree version → new version, roots, receipts, state and index writes, events, and a
 *   member change if governance decided one. Invalid blocks are reported, never thrown.
 * - buildGenesisState / genesisHash (genesis-state.ts): the height-0 state and chain identity.
 * - queries.ts: read models for the API (accounts, invoices, assets, members, proposals).
 * - events.ts: ContractEvent codec; history is the per-object stream of these events.
 * - contracts/registry.ts: transaction type → handler, the one place types are added.
 * World state is key/value bytes in the state tree under readable keys, each contract
 * spelling its own in contracts/<name>/keys.ts; records are positional msgpack tuples.
 * Invariants:
 * - the same block on the same state gives the same result on every node (no clock, no
 *   randomness, no I/O; Map iteration is insertion order);
 * - a rejected transaction changes nothing but its signer's nonce; a block is applied with
 *   one StateTree.update;
 * - every nonce is used exactly once (replays and gaps make the block invalid).
 * Tests: test/unit/state (executor, view, queries, every contract, fast-check properties);
 * fixture test/helpers/test-ledger.ts; throughput: bench/executor.bench.ts.
 */
export * from './types.js';
export * from './view.js';
export * from './executor.js';
export * from './genesis-state.js';
export * from './queries.js';
export * from './events.js';
export * from './secondary-indexes.js';
export { handlerFor, rolesFor, TX_HANDLERS, TX_TYPES } from './contracts/registry.js';
