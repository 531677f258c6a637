import { decodeCursor, encodeCursor, positionU64, u64Position } from '../cursor.js';
import { ApiError } from '../errors.js';
import { PAGE_LIMITS, type HistoryEntryJson } from '../schemas/common.js';

/**
 * One page of a history. A history only grows at its end, so the count of entries already
 * served is a cursor that stays right while blocks commit.
 */
export function pageOfHistory(
  entries: readonly HistoryEntryJson[],
  q: { readonly limit?: number; readonly cursor?: string },
): { items: HistoryEntryJson[]; nextCursor: string | null } {
  const start = q.cursor === undefined ? 0 : positionU64('history', decodeCursor('history', q.cursor));
  // Every cursor served points at an entry (end < length when served, and a history only
  // grows): one at or beyond the end was not made here.
  if (q.cursor !== undefined && start >= entries.length) throw new ApiError('INVALID_CURSOR', 'cursor is not a cursor of this history');
  const end = start + (q.limit ?? PAGE_LIMITS.defaultLimit);
  return { items: entries.slice(start, end), nextCursor: end < entries.length ? encodeCursor('history', u64Position(end)) : null };
}
