import type { Registry } from 'prom-client';
import type { StateProof } from '../crypto/smt.js';
import type { CommittedBlock } from '../types/block.js';
import type { Genesis, Member } from '../types/genesis.js';
import type { Hash, Height, Role } from '../types/primitives.js';
import type { TxEnvelope, TxReceipt } from '../types/tx.js';
import type { SubmitRejectCode } from './errors.js';
import type { AccountJson } from './schemas/accounts.js';
import type { AssetJson } from './schemas/assets.js';
import type { HistoryEntryJson } from './schemas/common.js';
import type { InvoiceJson } from './schemas/invoices.js';

// What the API needs from the node: narrow, read-mostly views wired by node/ (docs/conventions.md,
// Constructors take (opts, deps)). Domain values cross as domain types (bytes, not hex); the
// API owns their JSON form. Contract state (invoices, assets, accounts) crosses in its JSON
// form because the schemas in schemas/ are the public contract of those views.

/** Identity, progress and health of the node (GET /v1/status). */
export interface NodeStatus {
  readonly chainId: string;
  /** This member's name. */
  readonly node: string;
  /** Latest committed height; 0 before the first block. */
  readonly height: Height;
  /** Hash of the block at `height` (the genesis hash, or zeros, at height 0). */
  readonly headHash: Hash;
  readonly view: number;
  readonly epoch: number;
  /** Size of the member set in force. */
  readonly members: number;
  readonly peersConnected: number;
  /** Started, caught up, and able to accept transactions. */
  readonly ready: boolean;
  /** Catching up from peers. */
  readonly syncing: boolean;
  /** While syncing, the highest head peers reported; otherwise `height`. */
  readonly targetHeight: Height;
  /** Share of the catch-up done, 0 to 1 (1 when not syncing). */
  readonly syncProgress: number;
  /** This node's key is in the member set in force and it votes (false: it only follows the chain). */
  readonly validator: boolean;
  /** The running build: package version and git commit ('unknown' when not recorded). */
  readonly version: string;
  readonly commit: string;
}

/** Outcome of handing a transaction to the pool. Idempotent resubmission may answer ok. */
export type SubmitResult =
  | { readonly ok: true; readonly hash: Hash }
  | { readonly ok: false; readonly code: SubmitRejectCode; readonly message: string };

/** A committed block as the block store holds it, with the receipts of its transactions. */
export interface BlockRecord {
  readonly committed: CommittedBlock;
  /** receipts[i] is the outcome of committed.block.txs[i]; receipts[i].hash is its tx hash. */
  readonly receipts: readonly TxReceipt[];
}

/** Where a committed transaction sits. */
export interface TxLocation {
  readonly height: Height;
  readonly index: number;
}

/**
 * A page of a list and the position of its last item (null on the last page). Positions are
 * the lister's own bytes (e.g. an index key); the API wraps them into opaque cursors.
 */
export interface PageOf<T> {
  readonly items: readonly T[];
  readonly next: Uint8Array | null;
}

/** Filters of GET /v1/invoices; `after` is a `next` of an earlier page with the same filters. */
export interface InvoiceFilter {
  readonly holder?: string;
  readonly status?: InvoiceJson['status'];
  readonly limit: number;
  readonly after?: Uint8Array;
}

/** Filters of GET /v1/assets; `after` as for invoices. */
export interface AssetFilter {
  readonly owner?: string;
  readonly limit: number;
  readonly after?: Uint8Array;
}

/** A state proof and the height whose header.stateRoot it is against. */
export interface StateProofAt {
  readonly height: Height;
  readonly proof: StateProof;
}

/** An authenticated reader: the account whose current key signed the request's token. */
export interface ReaderAccount {
  /** Account id (hex of the key it was created with). */
  readonly id: string;
  /** Its current public key (hex). */
  readonly publicKey: string;
  readonly role: Role;
}

/** The member set in force at the head. */
export interface MemberSet {
  readonly epoch: number;
  readonly members: readonly Member[];
}

/**
 * Everything buildApi needs from the node. Reads may be served from caches; every height the
 * API is told about (status().height, onBlockCommitted) must already be readable by getBlock.
 */
export interface ApiDeps {
  status(): NodeStatus;
  /**
   * The account whose CURRENT key is `publicKeyHex` in the committed head state, or null (an
   * unknown key, or one rotated away). Called on every authenticated read: cache per head.
   */
  reader(publicKeyHex: string): ReaderAccount | null;
  /** The genesis the node runs (served so an auditor can compare it with the one it trusts). */
  genesis(): Genesis;
  /** Mempool admission of an already decoded envelope (signature, chain id, role, nonce, capacity). */
  submitTx(tx: TxEnvelope): Promise<SubmitResult> | SubmitResult;
  /** A pending transaction by hash, or null. */
  pendingTx(hash: Hash): TxEnvelope | null;
  /** Where a committed transaction is, or null. */
  findTx(hash: Hash): Promise<TxLocation | null>;
  /** A committed block with its receipts, or null above the head. */
  getBlock(height: Height): Promise<BlockRecord | null>;
  getInvoice(id: string): Promise<InvoiceJson | null>;
  /** Null when `after` is not a position of this list with these filters. */
  listInvoices(filter: InvoiceFilter): Promise<PageOf<InvoiceJson> | null>;
  /** Oldest first; null for an unknown invoice. */
  invoiceHistory(id: string): Promise<readonly HistoryEntryJson[] | null>;
  getAsset(id: string): Promise<AssetJson | null>;
  /** Null when `after` is not a position of this list with this filter. */
  listAssets(filter: AssetFilter): Promise<PageOf<AssetJson> | null>;
  /** Oldest first; null for an unknown asset. */
  assetHistory(id: string): Promise<readonly HistoryEntryJson[] | null>;
  /** By current public key (hex) or account id; nextNonce counts pending transactions too. */
  getAccount(idOrKey: string): Promise<AccountJson | null>;
  members(): MemberSet;
  /** Proof of `key` (membership or absence) against the latest committed state root. */
  stateProof(key: Uint8Array): Promise<StateProofAt>;
  /** Calls `listener` with each newly committed height, in order. Returns the unsubscribe. */
  onBlockCommitted(listener: (height: Height) => void): () => void;
  /** Served as GET /metrics. */
  readonly metricsRegistry: Registry;
}
