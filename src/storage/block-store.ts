import { decodeCommittedBlock, encodeCommittedBlock } from '../codec/index.js';
import type { CommittedBlock } from '../types/block.js';
import type { KeyRange, KvOp, KvStore, Startable } from '../types/edges.js';
import type { Hash, Height } from '../types/primitives.js';
import type { TxReceipt } from '../types/tx.js';
import { bytesEqual, readU64be, toHex } from '../util/bytes.js';
import { invariant } from '../util/errors.js';
import { crashPoint } from './crash-point.js';
import { StorageError, corruptAt } from './errors.js';
import {
  EXTRA_OP_PREFIXES, HEAD_KEY, META_CHAIN, META_SCHEMA, PREFIX, STATE_KEY_PREFIX_BYTES, STORAGE_SCHEMA_VERSION, TX_LOCATION_KEY_BYTES,
  blockHashKey, blockKey, metaKey, prefixRange, receiptsKey, stateKey, txLocationKey, writeStateKey, writeTxLocationKey,
} from './prefixes.js';
import {
  type ChainIdentity, type HeadPointer, type TxLocation, decodeBlockReceipts, decodeChainIdentity, decodeHead,
  decodeHeight, decodeSchemaVersion, decodeTxLocation, encodeBlockReceipts, encodeChainIdentity, encodeHead,
  encodeHeight, encodeSchemaVersion, PackedBytes, TX_LOCATION_BYTES, writeTxLocation,
} from './stored-values.js';

/** Everything one committed block writes, applied as a single synced batch. */
export interface CommitBlockInput {
  readonly committed: CommittedBlock;
  /** One per transaction, in block order. */
  readonly receipts: readonly TxReceipt[];
  /** One per transaction, in block order. */
  readonly txHashes: readonly Hash[];
  /** Raw executor state keys and values (null = delete); BlockStore adds the state prefix. */
  readonly stateWrites: readonly KvOp[];
  /** Already-prefixed history, index and member-set ops from other modules. */
  readonly extraOps: readonly KvOp[];
}

/** Options of BlockStore. */
export interface BlockStoreOpts {
  /** Where the data lives (a directory), named in operator-facing errors. */
  readonly location?: string;
}

/** Dependencies of BlockStore. The KvStore is started and stopped by its owner, not here. */
export interface BlockStoreDeps {
  readonly kv: KvStore;
}

/**
 * Committed blocks, receipts, transaction and block-hash indexes, world state and the head
 * pointer over one KvStore. Invariant: for every height h ≤ head, all of h's entries exist,
 * and nothing of any height above head does, because each block is one atomic batch that
 * also moves the head.
 */
export class BlockStore implements Startable {
  private readonly kv: KvStore;
  private readonly location: string;
  private headPtr: HeadPointer | null = null;
  private identity: ChainIdentity | null = null;
  private started = false;
  /** Serialises commits, so the height check and the head update cannot interleave. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(opts: BlockStoreOpts, deps: BlockStoreDeps) {
    this.kv = deps.kv;
    this.location = opts.location ?? 'data directory';
  }

  /** Loads chain identity and head, and checks the head block decodes (fails fast on damage). */
  async start(): Promise<void> {
    const [schemaBytes, chainBytes, headBytes] = await this.kv.getMany([metaKey(META_SCHEMA), metaKey(META_CHAIN), HEAD_KEY]);
    if (schemaBytes !== undefined) {
      const version = decodeSchemaVersion(schemaBytes);
      if (version === null) throw corruptAt('meta schema', this.location, 'bad schema value');
      if (version !== STORAGE_SCHEMA_VERSION) {
        throw new StorageError(
          'SCHEMA_MISMATCH',
          `${this.location} uses storage layout ${version}, this node writes ${STORAGE_SCHEMA_VERSION}; run the matching node version or resync into an empty directory`,
          { location: this.location, found: version, expected: STORAGE_SCHEMA_VERSION },
        );
      }
    }
    this.identity = null;
    if (chainBytes !== undefined) {
      this.identity = decodeChainIdentity(chainBytes);
      if (this.identity === null) throw corruptAt('meta chain identity', this.location, 'bad chain identity value');
    }
    this.headPtr = null;
    if (headBytes !== undefined) {
      const head = decodeHead(headBytes);
      if (head === null) throw corruptAt('head pointer', this.location, 'bad head value');
      if (this.identity === null) throw corruptAt('meta chain identity', this.location, 'blocks without chain identity');
      const block = await this.getBlock(head.height);
      if (block === null || !bytesEqual(block.hash, head.hash)) {
        throw corruptAt(`height ${head.height}`, this.location, 'head block missing or hash differs from head pointer');
      }
      this.headPtr = head;
    }
    this.started = true;
  }

  /** Waits for an in-flight commit. The KvStore stays open (its owner stops it). */
  async stop(): Promise<void> {
    await this.tail.catch(() => undefined);
    this.started = false;
  }

  /** The latest committed block, or null before the first block. */
  head(): HeadPointer | null {
    return this.headPtr;
  }

  /** The chain identity recorded in this directory, or null before initChain. */
  chainIdentity(): ChainIdentity | null {
    return this.identity;
  }

  /** Records the chain identity in a fresh directory, or checks it in a used one. */
  async initChain(id: ChainIdentity): Promise<void> {
    invariant(this.started, 'BlockStore.initChain before start');
    if (this.identity !== null) return this.checkChain(id);
    invariant(id.genesisHash.length === 32, 'genesis hash must be 32 bytes');
    await this.kv.batch(
      [
        { key: metaKey(META_SCHEMA), value: encodeSchemaVersion(STORAGE_SCHEMA_VERSION) },
        { key: metaKey(META_CHAIN), value: encodeChainIdentity(id) },
      ],
      { sync: true },
    );
    // If we crash here, restart finds the identity and no head: initChain then only checks it
    // and the node starts from height 1, exactly as if this had been a clean first start.
    crashPoint('after-chain-init');
    this.identity = { genesisHash: id.genesisHash.slice(), chainId: id.chainId };
  }

  /** Fails with CHAIN_MISMATCH when this directory belongs to another chain. */
  async checkChain(id: ChainIdentity): Promise<void> {
    invariant(this.started, 'BlockStore.checkChain before start');
    const have = this.identity;
    if (have === null) {
      throw new StorageError(
        'CHAIN_NOT_INITIALISED',
        `${this.location} holds no chain; initialise it (ledger init / first start) or point the node at its data directory`,
        { location: this.location },
      );
    }
    if (have.chainId !== id.chainId || !bytesEqual(have.genesisHash, id.genesisHash)) {
      throw new StorageError(
        'CHAIN_MISMATCH',
        `${this.location} belongs to chain ${have.chainId} (genesis ${toHex(have.genesisHash)}), not ${id.chainId} ` +
          `(genesis ${toHex(id.genesisHash)}); use that chain's genesis file or another data directory`,
        { location: this.location, storedChainId: have.chainId, chainId: id.chainId },
      );
    }
  }

  /**
   * Writes a committed block with everything it produced in ONE synced batch, and moves head.
   * Throws InvariantError if the block does not extend head (a caller bug: consensus hands
   * blocks over in height order).
   */
  commitBlock(input: CommitBlockInput): Promise<void> {
    const run = this.tail.then(() => this.commitNow(input));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async commitNow(input: CommitBlockInput): Promise<void> {
    invariant(this.started, 'BlockStore.commitBlock before start');
    const ops = this.buildCommitOps(input);
    const { height } = input.committed.block.header;
    // If we crash here, nothing of this block is on disk: restart resumes at head = height-1
    // and block sync or consensus delivers this block again, because it is committed by the
    // quorum's certificate, not by our write.
    crashPoint('before-block-batch');
    // One atomic batch: block, receipts, indexes, state and head land together or not at all
    // (LevelDB WriteBatch), and sync means it is on disk before anyone is told.
    await this.kv.batch(ops, { sync: true });
    this.headPtr = { height, hash: input.committed.hash.slice() };
    // If we crash here, the block is fully on disk but nobody downstream (events, mempool,
    // consensus) heard of it: restart reads head = height and resumes from there, and those
    // consumers rebuild from storage, so nothing is lost or applied twice.
    crashPoint('after-block-batch');
  }

  private buildCommitOps(input: CommitBlockInput): KvOp[] {
    const { committed, receipts, txHashes, stateWrites, extraOps } = input;
    const header = committed.block.header;
    const id = this.identity;
    invariant(id !== null, 'BlockStore.commitBlock before initChain');
    invariant(header.chainId === id.chainId, `block chain id ${header.chainId} is not ${id.chainId}`);
    const head = this.headPtr;
    const expected = head === null ? 1 : head.height + 1;
    invariant(header.height === expected, `block height ${header.height} does not extend head (expected ${expected})`);
    const parent = head === null ? id.genesisHash : head.hash;
    invariant(bytesEqual(header.parentHash, parent), `block ${header.height} parent hash does not match head`);
    const n = committed.block.txs.length;
    invariant(receipts.length === n, `block ${header.height}: ${receipts.length} receipts for ${n} txs`);
    invariant(txHashes.length === n, `block ${header.height}: ${txHashes.length} tx hashes for ${n} txs`);

    const ops: KvOp[] = [
      { key: blockKey(header.height), value: encodeCommittedBlock(committed) },
      { key: blockHashKey(committed.hash), value: encodeHeight(header.height) },
      { key: receiptsKey(header.height), value: encodeBlockReceipts(receipts) },
    ];
    // PERF: the block's tx-location entries and state keys are written into one buffer and
    // handed on as views of it. A Uint8Array of up to 64 bytes keeps its bytes on V8's heap,
    // and LevelDB's binding must first move each such array into an ArrayBuffer of its own
    // (an allocation and a copy): for these ~4,000 keys and values that was ~25% of building
    // the batch, more than writing them here (bench/storage.bench.ts).
    let stateKeyBytes = 0;
    for (const w of stateWrites) stateKeyBytes += STATE_KEY_PREFIX_BYTES + w.key.length;
    const out = new PackedBytes(n * (TX_LOCATION_KEY_BYTES + TX_LOCATION_BYTES) + stateKeyBytes);
    for (let i = 0; i < n; i++) {
      const hash = txHashes[i] as Hash;
      invariant(hash.length === 32 && bytesEqual((receipts[i] as TxReceipt).hash, hash), `block ${header.height}: receipt ${i} is for another tx`);
      const k = out.reserve(TX_LOCATION_KEY_BYTES);
      writeTxLocationKey(out.bytes, k, hash);
      const v = out.reserve(TX_LOCATION_BYTES);
      writeTxLocation(out.bytes, v, header.height, i);
      ops.push({ key: out.view(k, TX_LOCATION_KEY_BYTES), value: out.view(v, TX_LOCATION_BYTES) });
    }
    for (const w of stateWrites) {
      const len = STATE_KEY_PREFIX_BYTES + w.key.length;
      const k = out.reserve(len);
      writeStateKey(out.bytes, k, w.key);
      ops.push({ key: out.view(k, len), value: w.value });
    }
    for (const op of extraOps) {
      invariant(op.key.length > 0 && EXTRA_OP_PREFIXES.has(op.key[0] as number), 'extra op outside history/index/members prefixes');
      ops.push(op);
    }
    // Head last: later ops win within a batch, and the pointer then names a complete block.
    ops.push({ key: HEAD_KEY, value: encodeHead({ height: header.height, hash: committed.hash }) });
    return ops;
  }

  /** The committed block at `height`, or null. Damage gives STORAGE_CORRUPT, never a crash. */
  async getBlock(height: Height): Promise<CommittedBlock | null> {
    const bytes = await this.kv.get(blockKey(height));
    return bytes === undefined ? null : this.decodeBlockAt(height, bytes);
  }

  /** The committed block with `hash`, or null. */
  async getBlockByHash(hash: Hash): Promise<CommittedBlock | null> {
    const v = await this.kv.get(blockHashKey(hash));
    if (v === undefined) return null;
    const height = decodeHeight(v);
    if (height === null) throw corruptAt(`block hash index ${toHex(hash)}`, this.location, 'bad height value');
    return this.getBlock(height);
  }

  /** Height and index of the committed transaction with `hash`, or null. */
  async getTxLocation(hash: Hash): Promise<TxLocation | null> {
    const v = await this.kv.get(txLocationKey(hash));
    if (v === undefined) return null;
    const loc = decodeTxLocation(v);
    if (loc === null) throw corruptAt(`tx index ${toHex(hash)}`, this.location, 'bad location value');
    return loc;
  }

  /** The receipts of the block at `height` in tx order, or null. */
  async getReceipts(height: Height): Promise<TxReceipt[] | null> {
    const v = await this.kv.get(receiptsKey(height));
    if (v === undefined) return null;
    try {
      return decodeBlockReceipts(v);
    } catch (e) {
      throw corruptAt(`height ${height} (receipts)`, this.location, e);
    }
  }

  /** Up to `limit` committed blocks from height `from` upwards. */
  async blocks(from: Height, limit: number): Promise<CommittedBlock[]> {
    const out: CommittedBlock[] = [];
    if (limit <= 0) return out;
    const range: KeyRange = { gte: blockKey(Math.max(from, 0)), lt: Uint8Array.of(PREFIX.blockByHeight + 1), limit };
    for await (const [key, value] of this.kv.iterate(range)) {
      const height = readU64be(key, 1);
      out.push(this.decodeBlockAt(height, value));
    }
    return out;
  }

  /** The value of raw state key `key`, or undefined. */
  async getState(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.kv.get(stateKey(key));
  }

  /** Values of raw state keys, in order (one read for many keys). */
  async getStateMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    return this.kv.getMany(keys.map(stateKey));
  }

  /** Every world-state entry as [raw state key, value], in key order (rebuilds the state tree at start). */
  async *iterateState(): AsyncIterable<[Uint8Array, Uint8Array]> {
    for await (const [key, value] of this.kv.iterate(prefixRange(Uint8Array.of(PREFIX.state)))) {
      yield [key.subarray(1), value];
    }
  }

  /** Raw point read of a full key (history, index and member-set entries of other modules). */
  async getKey(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.kv.get(key);
  }

  /** Raw range scan over full keys, e.g. historyRange(...) or indexRange(...) from prefixes.ts. */
  scan(range: KeyRange): AsyncIterable<[Uint8Array, Uint8Array]> {
    return this.kv.iterate(range);
  }

  private decodeBlockAt(height: Height, bytes: Uint8Array): CommittedBlock {
    let block: CommittedBlock;
    try {
      block = decodeCommittedBlock(bytes, { trusted: true });
    } catch (e) {
      throw corruptAt(`height ${height}`, this.location, e);
    }
    if (block.block.header.height !== height) {
      throw corruptAt(`height ${height}`, this.location, `stored block says height ${block.block.header.height}`);
    }
    return block;
  }
}
