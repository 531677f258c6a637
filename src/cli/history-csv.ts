import type { BundleJson } from '../client/bundle-format.js';

// The history of a bundle as CSV for spreadsheets (RFC 4180: CRLF line ends, every field that
// holds a comma, quote or line break quoted, quotes doubled; formula starts defused). Rows are
// the node's history entries as exported; `ledger verify-bundle` is what proves them.

/** The header row of `ledger export ... --csv`. */
export const HISTORY_CSV_COLUMNS = ['id', 'height', 'time', 'txHash', 'type', 'signer', 'detail'] as const;

/** One CSV field, quoted when it must be. */
export function csvField(v: string): string {
  // A leading = + - @ would be read as a formula by spreadsheets (CSV injection): an id or a
  // detail is the parties' text.
  const safe = /^[=+\-@]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Every history entry of every invoice or asset of the bundle, oldest first (by height, then id). */
export function historyCsv(bundle: BundleJson): string {
  const rows: { id: string; height: number; order: number; cells: string[] }[] = [];
  for (const e of [...(bundle.invoices ?? []), ...(bundle.assets ?? [])]) {
    for (const page of e.history) {
      for (const it of page.items) {
        const cells = [e.id, String(it.height), new Date(it.timestampMs).toISOString(), it.txHash, it.type, it.signer, JSON.stringify(it.detail)];
        rows.push({ id: e.id, height: it.height, order: rows.length, cells });
      }
    }
  }
  rows.sort((a, b) => a.height - b.height || (a.id < b.id ? -1 : a.id > b.id ? 1 : a.order - b.order));
  return [HISTORY_CSV_COLUMNS.join(','), ...rows.map((r) => r.cells.map(csvField).join(','))].join('\r\n') + '\r\n';
}
