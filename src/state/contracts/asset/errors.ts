/** Rejections of the digital asset registry (docs/transactions.md, Digital asset registry). */
export type AssetErrorCode =
  /** No asset with this id. */
  | 'ASSET_NOT_FOUND'
  /** The id is already registered. */
  | 'ASSET_EXISTS'
  /** This fingerprint (e.g. a document hash) is already registered: the same thing twice. */
  | 'FINGERPRINT_TAKEN'
  /** Only the owner may do this (transfer, pledge). */
  | 'ASSET_NOT_OWNER'
  /** Only the pledgee may release a pledge. */
  | 'ASSET_NOT_PLEDGEE'
  /** The asset is pledged: it cannot be transferred or pledged again until released. */
  | 'ASSET_PLEDGED'
  /** release on an asset that is not pledged. */
  | 'ASSET_NOT_PLEDGED'
  /** The asset is frozen by a regulator and accepts no change (or is already frozen). */
  | 'ASSET_FROZEN'
  /** asset.unfreeze on an asset that is not frozen. */
  | 'ASSET_NOT_FROZEN'
  /** transfer or pledge naming the owner itself as the counterparty. */
  | 'ASSET_TO_SELF';
