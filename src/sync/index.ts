/**
 * Block sync: a node that was down, or a new member with an empty data directory, catches up
 * from peers over the transport's 'sync' channel.
 *
 * Entry point: `BlockSync` — `handleMessage` serves peers and receives answers, `catchUp`
 * fetches committed blocks from the peer with the highest head. Invariants: a block is applied
 * only after (1) its hash links to our head, (2) the 2-chain commit certificate covering it is
 * valid for the member set in force at its height (crypto/certs.ts), and (3) re-execution
 * reproduces its roots (SyncChain.applySynced). A peer sending anything else is skipped.
 * Sync is driven by its own requests and timeouts, never by consensus timers, and logs progress.
 * Tests: test/e2e (restart and catch-up of a real member).
 */
export * from './block-sync.js';
export * from './certified-chain.js';
