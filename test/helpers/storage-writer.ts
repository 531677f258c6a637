import { once } from 'node:events';
import { BlockStore } from '../../src/storage/block-store.js';
import { StorageError } from '../../src/storage/errors.js';
import { LevelKv } from '../../src/storage/level-kv.js';
import { KvSafetyStore } from '../../src/storage/safety-store.js';
import { TEST_CHAIN_ID, TEST_GENESIS_HASH, buildSyntheticCommit, syntheticSafetyBytes } from './storage-blocks.js';

// Child process for test/e2e/storage-crash.test.ts:
//   node --import tsx test/helpers/storage-writer.ts <dir> <untilHeight> [hold]
// Opens LevelKv + BlockStore on <dir>, resumes from head and, per height, saves a safety
// state then commits the synthetic block, printing `safety N` / `committed N` after each
// write resolves. A crash point (LEDGER_CRASH_AT) SIGKILLs it mid-loop. With `hold` it prints
// `ready` after the loop and keeps the directory locked until its stdin ends. A StorageError is
// printed as one `error CODE message` line on stderr with exit code 1, as the node does.

async function main(): Promise<void> {
  const [dir, untilArg, mode] = process.argv.slice(2);
  if (dir === undefined || untilArg === undefined) throw new Error('usage: storage-writer.ts <dir> <untilHeight> [hold]');
  const until = Number(untilArg);
  const kv = new LevelKv({ path: dir });
  await kv.start();
  const store = new BlockStore({ location: dir }, { kv });
  await store.start();
  await store.initChain({ genesisHash: TEST_GENESIS_HASH, chainId: TEST_CHAIN_ID });
  const safety = new KvSafetyStore({}, { kv });
  const out = (line: string): void => {
    // Synchronous for pipes on Linux, so a line is in the parent's pipe before the next write.
    process.stdout.write(`${line}\n`);
  };
  out('started');
  let head = store.head();
  while ((head?.height ?? 0) < until) {
    const height = (head?.height ?? 0) + 1;
    await safety.save(syntheticSafetyBytes(height));
    out(`safety ${height}`);
    await store.commitBlock(buildSyntheticCommit(height, head?.hash ?? TEST_GENESIS_HASH));
    out(`committed ${height}`);
    head = store.head();
  }
  if (mode === 'hold') {
    // An open stdin keeps the event loop (and so the LevelDB lock) alive; the parent ends it.
    const released = once(process.stdin.resume(), 'end');
    out('ready');
    await released;
  }
  await store.stop();
  await kv.stop();
}

main().catch((e: unknown) => {
  if (e instanceof StorageError) process.stderr.write(`error ${e.code} ${e.message}\n`);
  else process.stderr.write(`crash ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
