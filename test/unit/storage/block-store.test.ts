import { beforeEach, describe, expect, it } from 'vitest';
import { encodeCommittedBlock } from '../../../src/codec/index.js';
import { BlockStore, type CommitBlockInput } from '../../../src/storage/block-store.js';
import { StorageError, type StorageErrorCode } from '../../../src/storage/errors.js';
import { MemoryKv } from '../../../src/storage/memory-kv.js';
import {
  HEAD_KEY, META_SCHEMA, blockKey, historyRange, indexRange, metaKey, receiptsKey, stateKey,
} from '../../../src/storage/prefixes.js';
import { encodeReceipt } from '../../../src/codec/tx.js';
import { sha256 } from '../../../src/crypto/hash.js';
import { toHex, u64be, utf8 } from '../../../src/util/bytes.js';
import { InvariantError } from '../../../src/util/errors.js';
import {
  COUNTER_STATE_KEY, TEST_CHAIN_ID, TEST_GENESIS_HASH, buildSyntheticChain, buildSyntheticCommit,
  syntheticStateKey, syntheticSubject,
} from '../../helpers/storage-blocks.js';

const IDENTITY = { genesisHash: TEST_GENESIS_HASH, chainId: TEST_CHAIN_ID };

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => {
    throw new Error('expected a rejection');
  }, (e: unknown) => e);
}

async function expectStorageError(p: Promise<unknown>, code: StorageErrorCode, messagePart: string): Promise<void> {
  const e = await rejection(p);
  expect(e).toBeInstanceOf(StorageError);
  expect((e as StorageError).code).toBe(code);
  expect((e as StorageError).message).toContain(messagePart);
}

describe('BlockStore', () => {
  let kv: MemoryKv;
  let store: BlockStore;
  const chain = buildSyntheticChain(4);
  const at = (h: number): CommitBlockInput => chain[h - 1] as CommitBlockInput;

  const reopen = async (): Promise<BlockStore> => {
    const s = new BlockStore({ location: '/data/node0' }, { kv });
    await s.start();
    return s;
  };

  beforeEach(async () => {
    kv = new MemoryKv({ label: '/data/node0' });
    await kv.start();
    store = await reopen();
    await store.initChain(IDENTITY);
  });

  it('commits blocks and reads back blocks, receipts, indexes and state', async () => {
    for (const input of chain.slice(0, 3)) await store.commitBlock(input);
    expect(store.head()?.height).toBe(3);
    expect(toHex(store.head()?.hash as Uint8Array)).toBe(toHex(at(3).committed.hash));

    const b2 = await store.getBlock(2);
    expect(b2 && toHex(encodeCommittedBlock(b2))).toBe(toHex(encodeCommittedBlock(at(2).committed)));
    expect((await store.getBlockByHash(at(2).committed.hash))?.block.header.height).toBe(2);
    expect(await store.getBlock(4)).toBeNull();
    expect(await store.getBlockByHash(sha256(utf8('nope')))).toBeNull();

    const receipts = await store.getReceipts(3);
    expect(receipts?.map((r) => toHex(encodeReceipt(r)))).toEqual(at(3).receipts.map((r) => toHex(encodeReceipt(r))));
    expect(receipts?.some((r) => !r.ok && r.code === 'INVOICE_ALREADY_FINANCED')).toBe(true);
    expect(await store.getReceipts(4)).toBeNull();

    for (const [i, hash] of at(3).txHashes.entries()) {
      expect(await store.getTxLocation(hash), `tx ${i} of block 3`).toEqual({ height: 3, index: i });
    }
    expect(await store.getTxLocation(sha256(utf8('unknown tx')))).toBeNull();

    expect(toHex((await store.getState(COUNTER_STATE_KEY)) as Uint8Array)).toBe(toHex(u64be(3)));
    const [s1, missing] = await store.getStateMany([syntheticStateKey(1, 0, 0), syntheticStateKey(9, 0, 0)]);
    expect(s1).toBeDefined();
    expect(missing).toBeUndefined();
  });

  it('lists blocks from a height with a limit', async () => {
    for (const input of chain) await store.commitBlock(input);
    expect((await store.blocks(2, 2)).map((b) => b.block.header.height)).toEqual([2, 3]);
    expect((await store.blocks(3, 10)).map((b) => b.block.header.height)).toEqual([3, 4]);
    expect((await store.blocks(0, 10)).length).toBe(4);
    expect(await store.blocks(5, 10)).toEqual([]);
    expect(await store.blocks(1, 0)).toEqual([]);
  });

  it('iterates world state with raw keys, and applies state deletes', async () => {
    await store.commitBlock(at(1));
    const del = { ...at(2), stateWrites: [...at(2).stateWrites, { key: syntheticStateKey(1, 0, 0), value: null }] };
    await store.commitBlock(del);
    const keys: string[] = [];
    for await (const [k] of store.iterateState()) keys.push(new TextDecoder().decode(k));
    expect(keys).toContain('counter');
    expect(keys).toContain('invoice/INV-2-0/field-1');
    expect(keys).not.toContain('invoice/INV-1-0/field-0');
    expect(keys).toEqual([...keys].sort());
    expect(keys.length).toBe(1 + 2 * (at(1).stateWrites.length - 1) - 1);
  });

  it('stores other modules\' history and index ops, readable by scan', async () => {
    await store.commitBlock(at(1));
    const events: string[] = [];
    for await (const [, v] of store.scan(historyRange(syntheticSubject(1, 3)))) events.push(toHex(v));
    expect(events).toEqual([toHex(at(1).txHashes[3]?.slice(0, 24) as Uint8Array)]);
    let n = 0;
    for await (const _ of store.scan(indexRange('invoice.holder', 'supplier'))) n++;
    expect(n).toBe(at(1).txHashes.length);
  });

  it('rejects a block that does not extend head, writing nothing', async () => {
    await store.commitBlock(at(1));
    await expect(store.commitBlock(at(3))).rejects.toBeInstanceOf(InvariantError);
    await expect(store.commitBlock(at(1))).rejects.toBeInstanceOf(InvariantError);
    const forked = buildSyntheticCommit(2, sha256(utf8('other parent')));
    await expect(store.commitBlock(forked)).rejects.toBeInstanceOf(InvariantError);
    expect(store.head()?.height).toBe(1);
    expect(await kv.get(blockKey(2))).toBeUndefined();
    expect(await kv.get(receiptsKey(3))).toBeUndefined();
    // A rejected commit does not wedge the queue.
    await store.commitBlock(at(2));
    expect(store.head()?.height).toBe(2);
  });

  it('requires height 1 to build on the genesis hash', async () => {
    const wrongGenesis = buildSyntheticCommit(1, sha256(utf8('another genesis')));
    await expect(store.commitBlock(wrongGenesis)).rejects.toBeInstanceOf(InvariantError);
    expect(store.head()).toBeNull();
  });

  it('rejects inconsistent inputs and extra ops outside the allowed prefixes', async () => {
    const a = at(1);
    await expect(store.commitBlock({ ...a, receipts: a.receipts.slice(1) })).rejects.toBeInstanceOf(InvariantError);
    await expect(store.commitBlock({ ...a, txHashes: [...a.txHashes].reverse() })).rejects.toBeInstanceOf(InvariantError);
    const clobberHead = { ...a, extraOps: [{ key: HEAD_KEY, value: new Uint8Array(40) }] };
    await expect(store.commitBlock(clobberHead)).rejects.toBeInstanceOf(InvariantError);
    const clobberState = { ...a, extraOps: [{ key: stateKey(utf8('x')), value: null }] };
    await expect(store.commitBlock(clobberState)).rejects.toBeInstanceOf(InvariantError);
    expect(store.head()).toBeNull();
  });

  it('serialises commits issued without waiting', async () => {
    await Promise.all(chain.map((input) => store.commitBlock(input)));
    expect(store.head()?.height).toBe(4);
  });

  it('refuses to commit before initChain', async () => {
    const fresh = new MemoryKv();
    await fresh.start();
    const s = new BlockStore({}, { kv: fresh });
    await s.start();
    await expect(s.commitBlock(at(1))).rejects.toBeInstanceOf(InvariantError);
  });

  it('restores head and identity on restart', async () => {
    for (const input of chain.slice(0, 2)) await store.commitBlock(input);
    await store.stop();
    const again = await reopen();
    expect(again.head()?.height).toBe(2);
    expect(again.chainIdentity()?.chainId).toBe(TEST_CHAIN_ID);
    await again.initChain(IDENTITY);
    await again.commitBlock(at(3));
    expect(again.head()?.height).toBe(3);
  });

  it('refuses a directory of another chain with CHAIN_MISMATCH', async () => {
    const s = await reopen();
    await expectStorageError(s.checkChain({ ...IDENTITY, genesisHash: sha256(utf8('x')) }), 'CHAIN_MISMATCH', 'belongs to chain storage-test');
    await expectStorageError(s.initChain({ ...IDENTITY, chainId: 'other-chain' }), 'CHAIN_MISMATCH', 'not other-chain');
    await s.checkChain(IDENTITY);
  });

  it('reports an uninitialised directory on checkChain', async () => {
    const fresh = new MemoryKv();
    await fresh.start();
    const s = new BlockStore({ location: '/empty' }, { kv: fresh });
    await s.start();
    await expectStorageError(s.checkChain(IDENTITY), 'CHAIN_NOT_INITIALISED', '/empty');
  });

  it('gives STORAGE_CORRUPT naming the height for a damaged block, receipts or head block', async () => {
    for (const input of chain.slice(0, 3)) await store.commitBlock(input);
    await kv.batch([{ key: blockKey(2), value: Uint8Array.of(0x93, 0xc1, 0xff) }], { sync: true });
    await expectStorageError(store.getBlock(2), 'STORAGE_CORRUPT', 'data directory corrupt at height 2');
    await expectStorageError(store.getBlockByHash(at(2).committed.hash), 'STORAGE_CORRUPT', 'at height 2');
    await expectStorageError(store.blocks(1, 3), 'STORAGE_CORRUPT', 'restore from backup or resync');
    await kv.batch([{ key: receiptsKey(1), value: utf8('garbage') }], { sync: true });
    await expectStorageError(store.getReceipts(1), 'STORAGE_CORRUPT', 'at height 1');
    // A block stored under the wrong height is damage too.
    await kv.batch([{ key: blockKey(3), value: encodeCommittedBlock(at(1).committed) }], { sync: true });
    await expectStorageError(reopen(), 'STORAGE_CORRUPT', 'at height 3');
  });

  it('gives typed errors for a damaged head pointer or schema, and a newer schema', async () => {
    await store.commitBlock(at(1));
    await kv.batch([{ key: HEAD_KEY, value: Uint8Array.of(1, 2, 3) }], { sync: true });
    await expectStorageError(reopen(), 'STORAGE_CORRUPT', 'head pointer');
    await kv.batch([{ key: metaKey(META_SCHEMA), value: Uint8Array.of(0, 0, 0, 99) }], { sync: true });
    await expectStorageError(reopen(), 'SCHEMA_MISMATCH', 'storage layout 99');
  });
});
