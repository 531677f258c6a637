import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageError, type StorageErrorCode } from '../../src/storage/errors.js';
import { LevelKv } from '../../src/storage/level-kv.js';
import { toHex } from '../../src/util/bytes.js';
import { makeStorageTmpDir, removeStorageTmpDir } from '../helpers/storage-tmp.js';

// LevelKv behaviour that has no MemoryKv counterpart: the directory on disk.

async function startError(kv: LevelKv): Promise<StorageError> {
  const e = await kv.start().then(() => null, (x: unknown) => x);
  expect(e, 'start() should have failed').toBeInstanceOf(StorageError);
  return e as StorageError;
}

function expectCode(e: StorageError, code: StorageErrorCode, messagePart: string): void {
  expect(e.code).toBe(code);
  expect(e.message).toContain(messagePart);
}

describe('LevelKv on disk', () => {
  let dir: string;
  const open: LevelKv[] = [];

  beforeEach(async () => {
    dir = await makeStorageTmpDir('level-kv');
  });

  afterEach(async () => {
    for (const kv of open.splice(0)) await kv.stop();
    await removeStorageTmpDir(dir);
  });

  const started = async (path: string): Promise<LevelKv> => {
    const kv = new LevelKv({ path });
    await kv.start();
    open.push(kv);
    return kv;
  };

  it('keeps synced data for a new instance on the same directory', async () => {
    const a = await started(dir);
    await a.batch([{ key: Uint8Array.of(1), value: Uint8Array.of(42) }], { sync: true });
    await a.stop();
    const b = await started(dir);
    expect(toHex((await b.get(Uint8Array.of(1))) as Uint8Array)).toBe('2a');
  });

  it('refuses a directory locked by another instance, naming the action', async () => {
    await started(dir);
    const e = await startError(new LevelKv({ path: dir }));
    expectCode(e, 'STORAGE_LOCKED', `another ledger process is using ${dir}; stop it first`);
  });

  it('refuses a directory that is not a LevelDB', async () => {
    const bad = join(dir, 'not-a-db');
    await mkdir(bad);
    await writeFile(join(bad, 'CURRENT'), 'MANIFEST-000009\n');
    const e = await startError(new LevelKv({ path: bad }));
    expect(['STORAGE_OPEN_FAILED', 'STORAGE_CORRUPT']).toContain(e.code);
    expect(e.message).toContain(bad);
  });

  it('refuses a path that is a regular file, or lies under one', async () => {
    const file = join(dir, 'plain-file');
    await writeFile(file, 'x');
    expectCode(await startError(new LevelKv({ path: file })), 'STORAGE_OPEN_FAILED', `cannot open ${file}`);
    const under = join(file, 'db');
    expectCode(await startError(new LevelKv({ path: under })), 'STORAGE_OPEN_FAILED', 'writable');
  });

  it('a batch of small and large keys and values, plain arrays, views and Buffers, reads back exactly', async () => {
    // BlockStore hands LevelDB views into shared buffers next to plain small arrays and Buffers.
    const kv = await started(dir);
    const shared = new Uint8Array(200).map((_, i) => i);
    const ops = [
      { key: Uint8Array.of(9, 1), value: Uint8Array.of() },
      { key: shared.subarray(0, 3), value: shared.subarray(10, 74) },
      { key: shared.subarray(5, 9), value: shared.subarray(100, 200) },
      { key: Buffer.from('buf-key'), value: Buffer.from('v'.repeat(65)) },
      { key: new Uint8Array(64).fill(7), value: new Uint8Array(65).fill(8) },
      { key: Uint8Array.of(9, 1), value: Uint8Array.of(2) },
      { key: Uint8Array.of(9, 2), value: null },
    ];
    await kv.batch(ops, { sync: false });
    shared.fill(0);
    const got = await kv.getMany([Uint8Array.of(9, 1), Uint8Array.of(0, 1, 2), Uint8Array.of(5, 6, 7, 8), Buffer.from('buf-key'), new Uint8Array(64).fill(7)]);
    expect(got.map((v) => (v === undefined ? null : toHex(v)))).toEqual([
      '02',
      toHex(new Uint8Array(64).map((_, i) => i + 10)),
      toHex(new Uint8Array(100).map((_, i) => i + 100)),
      toHex(Buffer.from('v'.repeat(65))),
      '08'.repeat(65),
    ]);
  });
});
