import type { HistoryEntryJson } from '../client/wire.js';
import type { Verdict } from './verifier.js';

// History as CSV for spreadsheets (RFC 4180 quoting), with the verdict the page computed for
// each row, so a spreadsheet keeps what was proven alongside what was shown.

function cell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  // A leading = + - @ would be read as a formula by spreadsheets (CSV injection).
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** CSV text of a history: one header row, one row per entry. */
export function historyCsv(entries: readonly HistoryEntryJson[], verdicts: readonly Verdict[]): string {
  const rows = [['height', 'time', 'type', 'signer', 'txHash', 'verified', 'detail']];
  entries.forEach((e, i) => {
    const v = verdicts[i];
    rows.push([String(e.height), new Date(e.timestampMs).toISOString(), e.type, e.signer, e.txHash, v?.state ?? 'checking', JSON.stringify(e.detail)]);
  });
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** Offers `text` as a file download. */
export function download(name: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
