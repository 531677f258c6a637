import type { MemberChangeJson } from './member-sets.js';
import type { AssetRecordJson, BlockJson, EntityProofJson, HeaderJson, InvoiceRecordJson, ProvenHistoryJson } from './wire.js';

// The shape of an export bundle (docs/bundles.md): the node's proven answers, kept exactly as
// served, so that verify-bundle.ts checks them with the SDK's own verifiers and nothing else.

/** The format tag every bundle carries; a change of shape gets a new number. */
export const BUNDLE_FORMAT = 'ledger-bundle/1';

/** What a bundle proves: an invoice with its split lineage, an asset, or a range of blocks. */
export type BundleKind = 'invoice' | 'asset' | 'blocks';

/** One invoice or asset: its proven record and every page of its proven history, in order. */
export interface BundleEntity<T> {
  id: string;
  proof: EntityProofJson<T>;
  history: ProvenHistoryJson[];
}

/** One committed block with the headers linking it to the block its certificate certifies. */
export interface BundleBlock {
  block: BlockJson;
  links: HeaderJson[];
}

/** An export bundle (format ledger-bundle/1). */
export interface BundleJson {
  format: typeof BUNDLE_FORMAT;
  chainId: string;
  /** Hex sha256 of the canonical genesis encoding: the chain the bundle is about. */
  genesisHash: string;
  kind: BundleKind;
  /** The invoice or asset id, or "FROM-TO" for blocks. */
  subject: string;
  /** When it was written (ISO 8601); informative only, not proven. */
  createdAt: string;
  /** Member-set changes since the genesis, each with its root (finality of the epoch's last block). */
  memberChanges: MemberChangeJson[];
  /** kind invoice: every invoice of the lineage; kind asset: the one asset. */
  invoices?: BundleEntity<InvoiceRecordJson>[];
  assets?: BundleEntity<AssetRecordJson>[];
  /** kind blocks: the blocks in height order. */
  blocks?: BundleBlock[];
}
