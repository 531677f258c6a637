import { Type, type Static } from 'typebox';
import { BlockJson } from './chain.js';
import { HeightInt, Page, PageQueryFields } from './common.js';

/** `:height` path parameter. */
export const HeightParams = Type.Object({ height: HeightInt }, { additionalProperties: false });

/** GET /v1/blocks?from=&limit=&cursor= query: `from` starts the first page, `cursor` the others. */
export const BlocksQuery = Type.Object(
  { from: Type.Optional(HeightInt), ...PageQueryFields },
  { additionalProperties: false },
);

/** Blocks in height order. */
export const BlocksPage = Page(BlockJson);
/** JSON form of BlocksPage. */
export type BlocksPage = Static<typeof BlocksPage>;
