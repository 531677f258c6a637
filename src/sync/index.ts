/**
 * Block sync: a node that was down, or a new member with an empty data directory, catches up
 * from peers over the transport's 'sync' channel.
 *
 * Entry point: `BlockSync` — `handleMessage` serves peers and receives answers, `catchUp`
 * fetches committed blocks from the peer with the highest head. Invariants: a block is applied
 * only after (1) its hash links to our head, (2) the 2-chain commit certificate covering it is
 * valid for the member set in force at its height (crypto/certs.ts), and (3) re-execution
 * reproduces its roots (SyncChain.applySynced), and (4) the epoch its certificate was checked
 * against is still the one in force at its height once every block below it is applied. A
 * peer sending anything else, holding more than the bounded unproven blocks, or proving
 * nothing for progressTimeoutMs is skipped for the run, so every run ends (docs/protocol.md
 * R18). Serving is bounded per peer (R23) and packed under the channel limit (R17).
 * Sync is driven by its own requests and timeouts, never by consensus timers, and logs progress.
 * Tests: test/unit/sync (hostile peers against a real LedgerChain), test/e2e (restart and
 * catch-up of a real member).
 */
export * from './block-sync.js';
export * from './certified-chain.js';
