import { Type, type Static } from 'typebox';
import { IdString, Nullable, Page, PageQueryFields, UInt } from './common.js';

/** A registered digital asset (docs/transactions.md, Digital asset registry). */
export const AssetJson = Type.Object(
  {
    id: IdString,
    kind: Type.String(),
    fingerprint: Type.String(),
    metadata: Type.Record(Type.String(), Type.Unknown()),
    owner: IdString,
    pledgee: Nullable(IdString),
    frozen: Type.Boolean(),
    freezeReason: Nullable(Type.String()),
    registeredHeight: UInt,
    updatedHeight: UInt,
  },
  { additionalProperties: false, title: 'Asset' },
);
/** JSON form of AssetJson. */
export type AssetJson = Static<typeof AssetJson>;

/** GET /v1/assets query. */
export const AssetsQuery = Type.Object(
  { owner: Type.Optional(IdString), ...PageQueryFields },
  { additionalProperties: false },
);

/** A page of assets. */
export const AssetsPage = Page(AssetJson);
/** JSON form of AssetsPage. */
export type AssetsPage = Static<typeof AssetsPage>;
