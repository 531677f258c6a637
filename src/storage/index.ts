/**
 * Storage: everything the node keeps on disk, over one ordered byte key-value store.
 *
 * Entry points:
 * - `LevelKv` (LevelDB via `level`) and `MemoryKv` (sim and unit tests): the `KvStore` edge
 *   from types/edges.ts; both pass test/compliance/kv-store.suite.ts.
 * - `BlockStore`: commitBlock writes a committed block with its receipts, tx and hash indexes,
 *   state writes, other modules' history/index ops and the head pointer as ONE synced batch;
 *   readers for blocks, receipts, tx locations, state and raw scans; initChain/checkChain pin
 *   the directory to one chain (CHAIN_MISMATCH otherwise).
 * - `KvSafetyStore`: the consensus safety state as opaque bytes, each save fsynced.
 * - `prefixes.ts`: the one table of key prefixes and key builders; `crashPoint` for e2e
 *   crash tests; `measureLevelPutsPerSec` for benchmarks.
 *
 * Invariants:
 * - For every height h ≤ head, all of h's entries exist; nothing above head exists. A crash
 *   at any point leaves head at the last fully written block (see the comments at each write).
 * - commitBlock accepts only height head+1 whose parent is head (or the genesis hash).
 * - Damaged values and LevelDB failures surface as StorageError with an operator action
 *   (STORAGE_CORRUPT "data directory corrupt at height N; restore from backup or resync",
 *   STORAGE_LOCKED, …), never as a crash.
 *
 * Tests: test/compliance/kv-store*.test.ts (both KvStores, real LevelDB in tmp dirs),
 * test/unit/storage (BlockStore, SafetyStore, prefixes over MemoryKv),
 * test/e2e/storage-crash.test.ts (a real child process SIGKILLed at every crash point).
 * Bench: bench/storage.bench.ts.
 */
export * from './errors.js';
export * from './prefixes.js';
export * from './stored-values.js';
export * from './memory-kv.js';
export * from './level-kv.js';
export * from './block-store.js';
export * from './safety-store.js';
export * from './crash-point.js';
export * from './measure.js';
