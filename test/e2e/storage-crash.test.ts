import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeCommittedBlock, encodeReceipt } from '../../src/codec/index.js';
import { BlockStore } from '../../src/storage/block-store.js';
import { CRASH_POINTS, type CrashPointName } from '../../src/storage/crash-point.js';
import { StorageError } from '../../src/storage/errors.js';
import { LevelKv } from '../../src/storage/level-kv.js';
import { PREFIX, blockHashKey, blockKey, receiptsKey, stateKey, txLocationKey } from '../../src/storage/prefixes.js';
import { KvSafetyStore } from '../../src/storage/safety-store.js';
import { readU64be, toHex } from '../../src/util/bytes.js';
import {
  COUNTER_STATE_KEY, TEST_CHAIN_ID, TEST_GENESIS_HASH, buildSyntheticChain,
} from '../helpers/storage-blocks.js';
import { makeStorageTmpDir, removeStorageTmpDir } from '../helpers/storage-tmp.js';

// A real child process commits blocks to a real LevelDB and is SIGKILLed at each named crash
// point; the directory must then hold whole blocks only and keep working (cometbft e2e).

const REPO = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const WRITER = join(REPO, 'test/helpers/storage-writer.ts');
const IDENTITY = { genesisHash: TEST_GENESIS_HASH, chainId: TEST_CHAIN_ID };

interface WriterExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly lines: readonly string[];
  readonly stderr: string;
}

function spawnWriter(dir: string, untilHeight: number, crash: Record<string, string> = {}, mode?: 'hold'): ChildProcess {
  const env = { ...process.env };
  delete env['LEDGER_CRASH_AT'];
  delete env['LEDGER_CRASH_AFTER'];
  const args = ['--import', 'tsx', WRITER, dir, String(untilHeight), ...(mode === undefined ? [] : [mode])];
  return spawn(process.execPath, args, { cwd: REPO, env: { ...env, ...crash }, stdio: [mode === 'hold' ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
}

async function waitExit(child: ChildProcess): Promise<WriterExit> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  // 'close' fires after the pipes drained, so every line the child wrote is here.
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  return { code, signal, lines: stdout.split('\n').filter((l) => l !== ''), stderr };
}

function lastNumbered(lines: readonly string[], word: string): number {
  let last = 0;
  for (const l of lines) if (l.startsWith(`${word} `)) last = Number(l.slice(word.length + 1));
  return last;
}

async function openStore(dir: string): Promise<{ kv: LevelKv; store: BlockStore }> {
  const kv = new LevelKv({ path: dir });
  await kv.start();
  const store = new BlockStore({ location: dir }, { kv });
  await store.start();
  return { kv, store };
}

/** Every block up to `head` is whole, and nothing of head+1 (or above) exists. */
async function expectWholeBlocksOnly(kv: LevelKv, store: BlockStore, head: number): Promise<void> {
  const chain = buildSyntheticChain(head + 1);
  for (const [i, input] of chain.entries()) {
    const h = i + 1;
    const present = h <= head;
    const block = await kv.get(blockKey(h));
    expect(block !== undefined, `block ${h} present`).toBe(present);
    expect((await kv.get(blockHashKey(input.committed.hash))) !== undefined, `hash index ${h}`).toBe(present);
    expect((await kv.get(receiptsKey(h))) !== undefined, `receipts ${h}`).toBe(present);
    const txLocs = await kv.getMany(input.txHashes.map(txLocationKey));
    expect(txLocs.map((v) => v !== undefined), `tx index of block ${h}`).toEqual(txLocs.map(() => present));
    const uniqueState = input.stateWrites.filter((w) => toHex(w.key) !== toHex(COUNTER_STATE_KEY));
    const stateVals = await kv.getMany(uniqueState.map((w) => stateKey(w.key)));
    const extraVals = await kv.getMany(input.extraOps.map((op) => op.key));
    if (present) {
      expect(toHex(block as Uint8Array), `block ${h} bytes`).toBe(toHex(encodeCommittedBlock(input.committed)));
      const receipts = await store.getReceipts(h);
      expect(receipts?.map((r) => toHex(encodeReceipt(r))), `receipts ${h}`).toEqual(input.receipts.map((r) => toHex(encodeReceipt(r))));
      expect(stateVals.map((v) => v && toHex(v)), `state writes of block ${h}`).toEqual(uniqueState.map((w) => w.value && toHex(w.value)));
      expect(extraVals.map((v) => v && toHex(v)), `extra ops of block ${h}`).toEqual(input.extraOps.map((op) => op.value && toHex(op.value)));
    } else {
      expect(stateVals.every((v) => v === undefined), `no state of block ${h}`).toBe(true);
      expect(extraVals.every((v) => v === undefined), `no extra ops of block ${h}`).toBe(true);
    }
  }
  let beyond = 0;
  for await (const _ of kv.iterate({ gte: blockKey(head + 1), lt: Uint8Array.of(PREFIX.blockByHeight + 1) })) beyond++;
  expect(beyond, 'blocks above head').toBe(0);
  const counter = await store.getState(COUNTER_STATE_KEY);
  expect(counter === undefined ? 0 : readU64be(counter), 'counter state = head').toBe(head);
}

/** Where head and safety state must be after a crash at the N-th hit, given what was printed. */
const EXPECT: Record<CrashPointName, { after: number; head: (c: number) => number; safety: (s: number) => number }> = {
  'before-safety-save': { after: 3, head: (c) => c, safety: (s) => s },
  'after-safety-save': { after: 3, head: (c) => c, safety: (s) => s + 1 },
  'before-block-batch': { after: 3, head: (c) => c, safety: (s) => s },
  'after-block-batch': { after: 3, head: (c) => c + 1, safety: (s) => s },
  'after-chain-init': { after: 1, head: () => 0, safety: () => 0 },
};

describe('storage crash recovery (real process, real LevelDB)', () => {
  let dir: string;

  beforeEach(async () => {
    dir = join(await makeStorageTmpDir('storage-crash'), 'db');
  });

  afterEach(async () => {
    await removeStorageTmpDir(resolve(dir, '..'));
  });

  for (const point of CRASH_POINTS) {
    it(`recovers from SIGKILL at ${point}`, async () => {
      const { after, head: expectHead, safety: expectSafety } = EXPECT[point];
      const crashed = await waitExit(spawnWriter(dir, 50, { LEDGER_CRASH_AT: point, LEDGER_CRASH_AFTER: String(after) }));
      expect(crashed.signal, `writer should die by SIGKILL; stderr: ${crashed.stderr}`).toBe('SIGKILL');
      const committed = lastNumbered(crashed.lines, 'committed');
      const saved = lastNumbered(crashed.lines, 'safety');

      const { kv, store } = await openStore(dir);
      await store.checkChain(IDENTITY);
      const head = store.head()?.height ?? 0;
      expect([committed, committed + 1], 'head is the last acknowledged block or the one in flight').toContain(head);
      expect(head, `head after crash at ${point}`).toBe(expectHead(committed));
      await expectWholeBlocksOnly(kv, store, head);
      const safety = await new KvSafetyStore({}, { kv }).load();
      expect(safety === null ? 0 : readU64be(safety), 'safety state is the last saved or the one in flight').toBe(expectSafety(saved));

      // The directory keeps working in this process ...
      const next = buildSyntheticChain(head + 2).slice(head);
      for (const input of next) await store.commitBlock(input);
      await store.stop();
      await kv.stop();
      // ... and in a fresh process, which resumes from the new head.
      const resumed = await waitExit(spawnWriter(dir, head + 4));
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.lines.filter((l) => l.startsWith('committed'))).toEqual([`committed ${head + 3}`, `committed ${head + 4}`]);
      const reopened = await openStore(dir);
      expect(reopened.store.head()?.height).toBe(head + 4);
      await expectWholeBlocksOnly(reopened.kv, reopened.store, head + 4);
      await reopened.kv.stop();
    });
  }

  it('refuses a directory held by another process with STORAGE_LOCKED, then opens once it exits', async () => {
    const child = spawnWriter(dir, 1, {}, 'hold');
    const exited = waitExit(child);
    let stdout = '';
    await new Promise<void>((ready, fail) => {
      child.stdout?.on('data', (s: string) => {
        stdout += s;
        if (stdout.includes('ready\n')) ready();
      });
      child.once('exit', () => fail(new Error(`writer exited before ready: ${stdout}`)));
    });
    const e = await new LevelKv({ path: dir }).start().then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(StorageError);
    expect((e as StorageError).code).toBe('STORAGE_LOCKED');
    expect((e as StorageError).message).toBe(`another ledger process is using ${dir}; stop it first`);
    child.stdin?.end();
    expect((await exited).code).toBe(0);
    const { kv, store } = await openStore(dir);
    expect(store.head()?.height).toBe(1);
    await kv.stop();
  });

  it('reports a corrupted block as STORAGE_CORRUPT, in process and from a restarted node', async () => {
    expect((await waitExit(spawnWriter(dir, 5))).code).toBe(0);
    const first = await openStore(dir);
    await first.kv.batch([{ key: blockKey(3), value: Uint8Array.of(0x94, 0x01, 0xc1) }], { sync: true });
    const e = await first.store.getBlock(3).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(StorageError);
    expect((e as StorageError).code).toBe('STORAGE_CORRUPT');
    expect((e as StorageError).message).toContain('data directory corrupt at height 3');
    // Damage the head block: the next start must refuse with one clear line, not crash.
    const torn = encodeCommittedBlock(buildSyntheticChain(5)[4]?.committed ?? expect.unreachable()).slice(0, 100);
    await first.kv.batch([{ key: blockKey(5), value: torn }], { sync: true });
    await first.kv.stop();
    const restarted = await waitExit(spawnWriter(dir, 7));
    expect(restarted.code).toBe(1);
    expect(restarted.stderr).toBe(`error STORAGE_CORRUPT data directory corrupt at height 5 (${dir}); restore from backup or resync\n`);
  });
});
