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
const SEP = '\u0000';

/** The index writes implied by a block's state writes, in a deterministic order. */
export function deriveIndexWrites(block: BlockOverlay): IndexWrite[] {
  const out: IndexWrite[] = [];
  for (const key of block.writtenKeys()) {
    const ix = INDEXERS.find((i) => key.startsWith(i.prefix));
    if (ix === undefined) continue;
    const before = block.baseRecord(key, ix.decode);
    const after = block.getRecord(key, ix.decode);
    const oldKeys = before === undefined ? [] : ix.keysOf(before);
    const newKeys = after === undefined ? [] : ix.keysOf(after);
    const oldSet = new Set(oldKeys.map((k) => k.join(SEP)));
    const newSet = new Set(newKeys.map((k) => k.join(SEP)));
    for (const k of oldKeys) if (!newSet.has(k.join(SEP))) out.push([k, null]);
    for (const k of newKeys) if (!oldSet.has(k.join(SEP))) out.push([k, EMPTY]);
  }
  return out;
}
