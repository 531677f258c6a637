import { describe, expect, it } from 'vitest';
import { MemoryKv } from '../../../src/storage/memory-kv.js';
import { SAFETY_KEY } from '../../../src/storage/prefixes.js';
import { KvSafetyStore } from '../../../src/storage/safety-store.js';
import type { KeyRange, KvOp, KvStore } from '../../../src/types/edges.js';
import { toHex } from '../../../src/util/bytes.js';

/** Records the options of every batch, to prove saves are synced single-key writes. */
class RecordingKv implements KvStore {
  readonly batches: { ops: readonly KvOp[]; sync: boolean }[] = [];
  constructor(private readonly inner: KvStore) {}
  start(): Promise<void> { return this.inner.start(); }
  stop(): Promise<void> { return this.inner.stop(); }
  get(key: Uint8Array): Promise<Uint8Array | undefined> { return this.inner.get(key); }
  getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> { return this.inner.getMany(keys); }
  iterate(range: KeyRange): AsyncIterable<[Uint8Array, Uint8Array]> { return this.inner.iterate(range); }
  batch(ops: readonly KvOp[], opts: { sync: boolean }): Promise<void> {
    this.batches.push({ ops, sync: opts.sync });
    return this.inner.batch(ops, opts);
  }
}

describe('KvSafetyStore', () => {
  it('loads null on a fresh store, then the last saved bytes, across a restart', async () => {
    const kv = new RecordingKv(new MemoryKv());
    await kv.start();
    const store = new KvSafetyStore({}, { kv });
    expect(await store.load()).toBeNull();
    await store.save(Uint8Array.of(1, 2, 3));
    await store.save(Uint8Array.of(4, 5));
    expect(toHex((await store.load()) as Uint8Array)).toBe('0405');
    await kv.stop();
    await kv.start();
    expect(toHex((await new KvSafetyStore({}, { kv }).load()) as Uint8Array)).toBe('0405');
    expect(kv.batches.length).toBe(2);
    for (const b of kv.batches) {
      expect(b.sync, 'every save must fsync').toBe(true);
      expect(b.ops.map((op) => toHex(op.key))).toEqual([toHex(SAFETY_KEY)]);
    }
  });

  it('keeps empty bytes as empty, not as missing', async () => {
    const kv = new MemoryKv();
    await kv.start();
    const store = new KvSafetyStore({}, { kv });
    await store.save(new Uint8Array(0));
    expect((await store.load())?.length).toBe(0);
  });
});
