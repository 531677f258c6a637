import { Type, type Static } from 'typebox';
import { BlockJson } from './chain.js';
import { HeightInt } from './common.js';

/** Most blocks one list call returns (each may hold thousands of transactions). */
export const MAX_BLOCKS_PER_PAGE = 100;

/** `:height` path parameter. */
export const HeightParams = Type.Object({ height: HeightInt }, { additionalProperties: false });

/** GET /v1/blocks?from=&limit= query. */
export const BlocksQuery = Type.Object(
  {
    from: Type.Optional(HeightInt),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_BLOCKS_PER_PAGE })),
  },
  { additionalProperties: false },
);

/** Blocks from `from` in height order; `next` is the height to ask for next (null at the head). */
export const BlocksPage = Type.Object(
  { blocks: Type.Array(BlockJson), next: Type.Union([HeightInt, Type.Null()]) },
  { additionalProperties: false },
);
/** JSON form of BlocksPage. */
export type BlocksPage = Static<typeof BlocksPage>;
