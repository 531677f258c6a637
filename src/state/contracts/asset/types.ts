import type { PayloadValue } from '../../../types/primitives.js';
import type { AccountId } from '../../types.js';
import { readRecord, type Overlay, type StateReader } from '../../view.js';
import { bool, int, packRecord, str, strOrNull, unpackRecord } from '../state-record.js';
import { assetKey } from './keys.js';

/** A registered digital asset (docs/transactions.md, Digital asset registry). */
export interface Asset {
  readonly id: string;
  readonly kind: string;
  /** Unique across the registry, e.g. a document hash. */
  readonly fingerprint: string;
  /** Free-form JSON object given at registration. */
  readonly metadata: { readonly [key: string]: PayloadValue };
  readonly owner: AccountId;
  /** Account holding the pledge; null when not pledged. */
  readonly pledgee: AccountId | null;
  readonly frozen: boolean;
  readonly frozenReason: string | null;
  readonly registeredBy: AccountId;
  readonly createdHeight: number;
  readonly updatedHeight: number;
}

/** Tuple in field order of Asset. */
export function encodeAsset(a: Asset): Uint8Array {
  return packRecord([
    a.id, a.kind, a.fingerprint, a.metadata, a.owner, a.pledgee, a.frozen, a.frozenReason, a.registeredBy, a.createdHeight, a.updatedHeight,
  ]);
}

/** Inverse of encodeAsset. */
export function decodeAsset(bytes: Uint8Array): Asset {
  const t = unpackRecord(bytes, 'asset', 11);
  return {
    id: str(t[0], 'asset.id'), kind: str(t[1], 'asset.kind'), fingerprint: str(t[2], 'asset.fingerprint'),
    metadata: t[3] as Asset['metadata'], owner: str(t[4], 'asset.owner'), pledgee: strOrNull(t[5], 'asset.pledgee'),
    frozen: bool(t[6], 'asset.frozen'), frozenReason: strOrNull(t[7], 'asset.frozenReason'), registeredBy: str(t[8], 'asset.registeredBy'),
    createdHeight: int(t[9], 'asset.createdHeight'), updatedHeight: int(t[10], 'asset.updatedHeight'),
  };
}

/** Reads an asset. */
export function loadAsset(state: StateReader, id: string): Asset | undefined {
  return readRecord(state, assetKey(id), decodeAsset);
}

/** Writes an asset. */
export function saveAsset(state: Overlay, a: Asset): void {
  state.putRecord(assetKey(a.id), a, encodeAsset, decodeAsset);
}
