import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageError } from '../../src/storage/errors.js';
import { prefixRange } from '../../src/storage/prefixes.js';
import type { KeyRange, KvOp, KvStore } from '../../src/types/edges.js';
import { compareBytes, toHex } from '../../src/util/bytes.js';
import { InvariantError } from '../../src/util/errors.js';

/** A store under test plus how to dispose of its backing storage. */
export interface KvHarness {
  /** Not yet started; the suite starts and stops it. */
  readonly kv: KvStore;
  cleanup(): Promise<void>;
}

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs);
const hexes = (entries: readonly [Uint8Array, Uint8Array][]): string[] => entries.map(([k]) => toHex(k));

async function collect(kv: KvStore, range: KeyRange): Promise<[Uint8Array, Uint8Array][]> {
  const out: [Uint8Array, Uint8Array][] = [];
  for await (const e of kv.iterate(range)) out.push(e);
  return out;
}

async function put(kv: KvStore, entries: readonly (readonly [Uint8Array, Uint8Array])[]): Promise<void> {
  await kv.batch(entries.map(([key, value]) => ({ key, value })), { sync: false });
}

async function expectStopped(p: Promise<unknown>): Promise<void> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e, 'expected a STORAGE_STOPPED error').toBeInstanceOf(StorageError);
  expect((e as StorageError).code).toBe('STORAGE_STOPPED');
}

// Keys chosen around the byte edges: 0x00 and 0xff, prefixes of each other, and 0x7f/0x80
// (a signed-byte comparison would put 0x80 first).
const EDGE_KEYS: readonly Uint8Array[] = [
  b(0x00), b(0x00, 0x00), b(0x00, 0xff), b(0x01), b(0x7f), b(0x80), b(0xfe, 0xff),
  b(0xff), b(0xff, 0x00), b(0xff, 0xff), b(0xff, 0xff, 0xff),
];
const SORTED_EDGE_HEX = [...EDGE_KEYS].sort(compareBytes).map(toHex);

/**
 * The KvStore contract, run against every implementation (LevelKv and MemoryKv), so the fake
 * used by unit tests and the simulator behaves like the disk (js-libp2p compliance suites).
 */
export function kvStoreSuite(name: string, make: () => Promise<KvHarness>): void {
  describe(`KvStore compliance: ${name}`, () => {
    let harness: KvHarness;
    let kv: KvStore;

    beforeEach(async () => {
      harness = await make();
      kv = harness.kv;
      await kv.start();
    });

    afterEach(async () => {
      await kv.stop();
      await harness.cleanup();
    });

    it('returns undefined for missing keys, and getMany keeps order and duplicates', async () => {
      await put(kv, [[b(1), b(10)], [b(3), b(30)]]);
      expect(await kv.get(b(2))).toBeUndefined();
      const many = await kv.getMany([b(3), b(2), b(1), b(3)]);
      expect(many.map((v) => (v === undefined ? null : toHex(v)))).toEqual(['1e', null, '0a', '1e']);
      expect(await kv.getMany([])).toEqual([]);
    });

    it('returns plain Uint8Array values, and stores empty values as empty, not missing', async () => {
      await put(kv, [[b(1), new Uint8Array(0)], [b(2), b(7)]]);
      const v = await kv.get(b(1));
      expect(v?.constructor).toBe(Uint8Array);
      expect(v?.length).toBe(0);
      const [m] = await kv.getMany([b(1)]);
      expect(m?.length).toBe(0);
      const all = await collect(kv, {});
      expect(all.map(([k, val]) => [toHex(k), val.length])).toEqual([['01', 0], ['02', 1]]);
      expect(all[0]?.[0].constructor).toBe(Uint8Array);
    });

    it('keeps its own copy: mutating a buffer after batch or get changes nothing stored', async () => {
      const value = b(1, 2, 3);
      await put(kv, [[b(9), value]]);
      value[0] = 99;
      const got = await kv.get(b(9));
      expect(toHex(got as Uint8Array)).toBe('010203');
      (got as Uint8Array)[1] = 99;
      expect(toHex((await kv.get(b(9))) as Uint8Array)).toBe('010203');
    });

    it('deletes, overwrites, and lets the later op win within one batch', async () => {
      await put(kv, [[b(1), b(1)], [b(2), b(2)], [b(3), b(3)]]);
      await kv.batch([
        { key: b(1), value: null },
        { key: b(2), value: b(22) },
        { key: b(3), value: null },
        { key: b(3), value: b(33) },
        { key: b(4), value: b(4) },
        { key: b(4), value: null },
        { key: b(5), value: null },
      ], { sync: true });
      const all = await collect(kv, {});
      expect(all.map(([k, v]) => `${toHex(k)}=${toHex(v)}`)).toEqual(['02=16', '03=21']);
    });

    it('applies a batch with an invalid op not at all', async () => {
      await put(kv, [[b(1), b(1)]]);
      const ops = [
        { key: b(1), value: b(100) },
        { key: b(2), value: b(2) },
        { key: 'not bytes', value: b(3) },
      ] as unknown as KvOp[];
      await expect(kv.batch(ops, { sync: true })).rejects.toBeInstanceOf(InvariantError);
      const badValue = [{ key: b(2), value: b(2) }, { key: b(3), value: undefined }] as unknown as KvOp[];
      await expect(kv.batch(badValue, { sync: true })).rejects.toBeInstanceOf(InvariantError);
      expect(hexes(await collect(kv, {}))).toEqual(['01']);
      expect(toHex((await kv.get(b(1))) as Uint8Array)).toBe('01');
    });

    it('iterates in byte-wise order across 0x00 / 0x7f / 0x80 / 0xff edges', async () => {
      // Insert in reverse so no implementation gets the order for free.
      await put(kv, [...EDGE_KEYS].reverse().map((k) => [k, k] as const));
      expect(hexes(await collect(kv, {}))).toEqual(SORTED_EDGE_HEX);
      expect(hexes(await collect(kv, { reverse: true }))).toEqual([...SORTED_EDGE_HEX].reverse());
    });

    it('honours gte (inclusive) and lt (exclusive), alone and together', async () => {
      await put(kv, EDGE_KEYS.map((k) => [k, k] as const));
      const range = async (r: KeyRange): Promise<string[]> => hexes(await collect(kv, r));
      expect(await range({ gte: b(0x00, 0xff), lt: b(0xff) })).toEqual(['00ff', '01', '7f', '80', 'feff']);
      expect(await range({ gte: b(0xff) })).toEqual(['ff', 'ff00', 'ffff', 'ffffff']);
      expect(await range({ lt: b(0x00, 0x00) })).toEqual(['00']);
      expect(await range({ gte: b(0x00), lt: b(0x00) })).toEqual([]);
      expect(await range({ gte: b(0x80), lt: b(0x7f) })).toEqual([]);
      expect(await range({ gte: b(0x02), lt: b(0x7f, 0x00) })).toEqual(['7f']);
    });

    it('walks ranges in reverse and bounds them with limit', async () => {
      await put(kv, EDGE_KEYS.map((k) => [k, k] as const));
      const range = async (r: KeyRange): Promise<string[]> => hexes(await collect(kv, r));
      expect(await range({ gte: b(0x00, 0xff), lt: b(0xff), reverse: true })).toEqual(['feff', '80', '7f', '01', '00ff']);
      expect(await range({ limit: 3 })).toEqual(['00', '0000', '00ff']);
      expect(await range({ reverse: true, limit: 2 })).toEqual(['ffffff', 'ffff']);
      expect(await range({ lt: b(0xff), reverse: true, limit: 1 })).toEqual(['feff']);
      expect(await range({ limit: 0 })).toEqual([]);
      expect(await range({ limit: 1000 })).toEqual(SORTED_EDGE_HEX);
    });

    it('scans a prefix range, including an all-0xff prefix with no upper bound', async () => {
      await put(kv, EDGE_KEYS.map((k) => [k, k] as const));
      expect(hexes(await collect(kv, prefixRange(b(0xff))))).toEqual(['ff', 'ff00', 'ffff', 'ffffff']);
      expect(hexes(await collect(kv, prefixRange(b(0xff, 0xff))))).toEqual(['ffff', 'ffffff']);
      expect(hexes(await collect(kv, prefixRange(b(0x00))))).toEqual(['00', '0000', '00ff']);
      expect(hexes(await collect(kv, prefixRange(b(0xfe))))).toEqual(['feff']);
    });

    it('iterates many entries in order and reads a snapshot taken when the walk begins', async () => {
      const n = 700;
      const entries = Array.from({ length: n }, (_, i) => [b(0x10, i >> 8, i & 0xff), b(i & 0xff)] as const);
      await put(kv, entries);
      let count = 0;
      let prev: Uint8Array | null = null;
      for await (const [k] of kv.iterate({ gte: b(0x10), lt: b(0x11) })) {
        if (count === 0) {
          // Written during the walk: a new key in range, and a delete of one not yet reached.
          await kv.batch([{ key: b(0x10, 0xff), value: b(1) }, { key: b(0x10, 0x02, 0x00), value: null }], { sync: false });
        }
        if (prev !== null) expect(compareBytes(prev, k), `order at entry ${count}`).toBeLessThan(0);
        prev = k;
        count++;
      }
      expect(count).toBe(n);
      expect(await kv.get(b(0x10, 0xff))).toBeDefined();
      expect(await kv.get(b(0x10, 0x02, 0x00))).toBeUndefined();
    });

    it('persists data across stop and start', async () => {
      await kv.batch([{ key: b(1), value: b(1) }, { key: b(2), value: new Uint8Array(0) }], { sync: true });
      await kv.stop();
      await kv.start();
      expect(toHex((await kv.get(b(1))) as Uint8Array)).toBe('01');
      expect((await kv.get(b(2)))?.length).toBe(0);
      expect(hexes(await collect(kv, {}))).toEqual(['01', '02']);
    });

    it('refuses reads, writes and iteration while stopped, with STORAGE_STOPPED', async () => {
      await kv.stop();
      await expectStopped(kv.get(b(1)));
      await expectStopped(kv.getMany([b(1)]));
      await expectStopped(kv.batch([{ key: b(1), value: b(1) }], { sync: true }));
      await expectStopped(collect(kv, {}));
      await kv.start();
      expect(await kv.get(b(1))).toBeUndefined();
    });

    it('ends an iteration interrupted by stop() with STORAGE_STOPPED, and stop() does not hang', async () => {
      await put(kv, Array.from({ length: 600 }, (_, i) => [b(0x20, i >> 8, i & 0xff), b(1)] as const));
      const it = kv.iterate({})[Symbol.asyncIterator]();
      const first = await it.next();
      expect(first.done).toBe(false);
      await kv.stop();
      const rest = (async (): Promise<number> => {
        let n = 0;
        for (;;) {
          const r = await it.next();
          if (r.done === true) return n;
          n++;
        }
      })();
      await expectStopped(rest);
      await kv.start();
    });

    it('stops cleanly after an iteration left early with break', async () => {
      await put(kv, Array.from({ length: 300 }, (_, i) => [b(0x30, i >> 8, i & 0xff), b(1)] as const));
      let n = 0;
      for await (const _ of kv.iterate({})) if (++n === 5) break;
      expect(n).toBe(5);
      await kv.stop();
      await kv.start();
      expect((await collect(kv, {})).length).toBe(300);
    });

    it('applies concurrent batches all', async () => {
      await Promise.all(Array.from({ length: 20 }, (_, i) => kv.batch([{ key: b(0x40, i), value: b(i) }], { sync: i % 2 === 0 })));
      expect((await collect(kv, prefixRange(b(0x40)))).length).toBe(20);
    });
  });
}
