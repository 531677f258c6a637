import { describe, expect, it } from 'vitest';
import { InvariantError, LedgerError, OperationalError, invariant } from '../../../src/util/errors.js';
import { err, ok, type Result } from '../../../src/util/result.js';

describe('errors', () => {
  it('LedgerError carries a code and structured fields; OperationalError is a LedgerError', () => {
    const e = new OperationalError('PORT_IN_USE', 'port 9080 is in use; choose another with --port', { port: 9080 });
    expect(e).toBeInstanceOf(LedgerError);
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('PORT_IN_USE');
    expect(e.fields).toEqual({ port: 9080 });
    expect(e.name).toBe('OperationalError');
    expect(new LedgerError('X', 'm').fields).toEqual({});
  });

  it('invariant throws InvariantError only when the condition is false', () => {
    expect(() => invariant(true, 'fine')).not.toThrow();
    expect(() => invariant(0, 'lockedQC regressed')).toThrow(InvariantError);
    expect(() => invariant(null, 'lockedQC regressed')).toThrow('invariant violated: lockedQC regressed');
  });
});

describe('Result', () => {
  it('ok and err narrow on the ok flag', () => {
    const results: Result<number>[] = [ok(1), err('bad')];
    expect(results.map((r) => (r.ok ? r.value : r.error))).toEqual([1, 'bad']);
  });
});
