/**
 * The transaction pool: admission and selection for proposals.
 *
 * Entry points: `Mempool.addAsync` (REST and gossip: prepared transactions, crypto/tx.ts;
 * verifies the signature once, on a worker thread when a verifier is given), `add` and
 * `addPrepared` (the same, inline), `select` (the leader's buildBlock), `removeCommitted`
 * (after each committed block; also forgets cached signer lookups), and `verified` (the cache
 * the executor consults so a proposal is not re-verified).
 * Invariants: at most one pending transaction per (signer, nonce); a selection never skips a
 * nonce; capacity is bounded (POOL_FULL is back-pressure, mapped to HTTP 429).
 * Tests: test/unit/state/mempool.
 */
export * from './errors.js';
export * from './mempool.js';
export * from './verified-cache.js';
