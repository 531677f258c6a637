import { describe, expect, it } from 'vitest';
import type { HistoryEntryJson } from '../../../src/client/wire.js';
import { historyCsv } from '../../../src/console/csv.js';
import { CHECKING, type Verdict } from '../../../src/console/verifier.js';

describe('history CSV', () => {
  const entry = (over: Partial<HistoryEntryJson>): HistoryEntryJson => ({
    height: 3, txHash: 'ab'.repeat(32), type: 'invoice.created', signer: 'cd'.repeat(32), timestampMs: Date.UTC(2026, 0, 2), detail: { amount: '10' }, ...over,
  });

  it('writes one row per entry with its verdict, quoting as RFC 4180 says', () => {
    const verified: Verdict = { state: 'verified', detail: 'x' };
    const csv = historyCsv([entry({}), entry({ height: 4, detail: { note: 'a "quoted", line\nbreak' } })], [verified, CHECKING]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('height,time,type,signer,txHash,verified,detail');
    expect(lines[1]).toBe(`3,2026-01-02T00:00:00.000Z,invoice.created,${'cd'.repeat(32)},${'ab'.repeat(32)},verified,"{""amount"":""10""}"`);
    expect(lines[2]).toContain(',checking,"{""note"":""a \\""quoted\\"", line\\nbreak""}"');
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('defuses cells a spreadsheet would run as formulas', () => {
    const csv = historyCsv([entry({ type: '=HYPERLINK("http://x")' })], [CHECKING]);
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(csv).not.toMatch(/,=HYPERLINK/);
  });
});
