import { ApiError } from './errors.js';

// One cursor format for every list (docs/api.md, Pagination): `<list>.<base64url position>`.
// The position is whatever the list resumes from (a block height, an index key, a history
// offset); the tag makes a cursor of one list, or a hand-edited one, a 400 rather than a page
// of some other list.

/** The lists that page. */
export type CursorList = 'blocks' | 'invoices' | 'assets' | 'history';

const TAG: Record<CursorList, string> = { blocks: 'b', invoices: 'i', assets: 'a', history: 'h' };
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The opaque cursor of `position` in `list`. */
export function encodeCursor(list: CursorList, position: Uint8Array): string {
  return `${TAG[list]}.${Buffer.from(position).toString('base64url')}`;
}

/** The position in `list` that `cursor` encodes; 400 INVALID_CURSOR for anything else. */
export function decodeCursor(list: CursorList, cursor: string): Uint8Array {
  const dot = cursor.indexOf('.');
  const body = cursor.slice(dot + 1);
  if (dot < 0 || cursor.slice(0, dot) !== TAG[list] || !BASE64URL.test(body)) {
    throw new ApiError('INVALID_CURSOR', `cursor is not a cursor of this ${list} list (pass the previous page's nextCursor as it is)`);
  }
  const bytes = Buffer.from(body, 'base64url');
  // Node's decoder skips bad tails; a cursor that does not round-trip was not made here.
  if (bytes.toString('base64url') !== body) throw new ApiError('INVALID_CURSOR', `cursor is not a cursor of this ${list} list`);
  return new Uint8Array(bytes);
}

/** A u64 position (a height or an offset) as 8 big-endian bytes. */
export function u64Position(n: number): Uint8Array {
  const out = new Uint8Array(8);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, Math.floor(n / 0x1_0000_0000));
  dv.setUint32(4, n >>> 0);
  return out;
}

/** Inverse of u64Position; 400 INVALID_CURSOR unless `bytes` is one. */
export function positionU64(list: CursorList, bytes: Uint8Array): number {
  if (bytes.length !== 8) throw new ApiError('INVALID_CURSOR', `cursor is not a cursor of this ${list} list`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const n = dv.getUint32(0) * 0x1_0000_0000 + dv.getUint32(4);
  if (!Number.isSafeInteger(n)) throw new ApiError('INVALID_CURSOR', `cursor is not a cursor of this ${list} list`);
  return n;
}
