import { assetIndexKeys } from './contracts/asset/keys.js';
import { decodeAsset } from './contracts/asset/types.js';
import { invoiceIndexKeys } from './contracts/invoice/keys.js';
import { decodeInvoice } from './contracts/invoice/types.js';
import type { BlockOverlay, RecordDecoder } from './view.js';

/** A secondary index key: parts the storage layer encodes order-preservingly (keyPart each). */
export type IndexKey = readonly string[];

/** One index write; value null deletes. Index values are empty: the key says it all. */
export type IndexWrite = readonly [IndexKey, Uint8Array | null];

interface Indexer {
  readonly prefix: string;
  readonly decode: RecordDecoder<unknown>;
  keysOf(record: unknown): (readonly string[])[];
}

// Which state records feed which indexes. Indexes are derived from the block's net state
// changes (old record vs new record) rather than written by handlers, so they can never
// disagree with state, and a rejected transaction cannot leave a stray entry.
const INDEXERS: readonly Indexer[] = [
  { prefix: 'inv/', decode: decodeInvoice, keysOf: (r) => invoiceIndexKeys(r as ReturnType<typeof decodeInvoice>) },
  { prefix: 'asset/', decode: decodeAsset, keysOf: (r) => assetIndexKeys(r as ReturnType<typeof decodeAsset>) },
];

const EMPTY = new Uint8Array(0);

/** The index writes implied by a block's state writes, in a deterministic order. */
export function deriveIndexWrites(block: BlockOverlay): IndexWrite[] {
  const out: IndexWrite[] = [];
  for (const key of block.writtenKeys()) {
    const ix = indexerOf(key);
    if (ix === undefined) continue;
    const before = block.baseRecord(key, ix.decode);
    const after = block.getRecord(key, ix.decode);
    const oldKeys = before === undefined ? [] : ix.keysOf(before);
    const newKeys = after === undefined ? [] : ix.keysOf(after);
    // PERF: a record has one or two index keys, so a pairwise scan beats joining them into
    // strings for two Sets (which cost more than the rest of the derivation).
    for (const k of oldKeys) if (!includesKey(newKeys, k)) out.push([k, null]);
    for (const k of newKeys) if (!includesKey(oldKeys, k)) out.push([k, EMPTY]);
  }
  return out;
}

function includesKey(keys: readonly IndexKey[], k: IndexKey): boolean {
  for (const x of keys) if (sameKey(x, k)) return true;
  return false;
}

function indexerOf(key: string): Indexer | undefined {
  for (const ix of INDEXERS) if (key.startsWith(ix.prefix)) return ix;
  return undefined;
}

function sameKey(a: IndexKey, b: IndexKey): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
