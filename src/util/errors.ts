/**
 * Base of every typed error crossing a module boundary (docs/conventions.md, Errors kind 2 and 3).
 * Match on `instanceof` plus `code`, never on `name` or message text.
 */
export class LedgerError<C extends string = string> extends Error {
  /** Stable UPPER_SNAKE code. */
  readonly code: C;
  /** Structured context; never contains secrets. */
  readonly fields: Readonly<Record<string, unknown>>;

  constructor(code: C, message: string, fields: Record<string, unknown> = {}) {
    super(message);
    this.name = 'LedgerError';
    this.code = code;
    this.fields = fields;
  }
}

/** A bug: an invariant the code relies on does not hold (docs/conventions.md, Errors kind 4). */
export class InvariantError extends Error {
  constructor(message: string) {
    super(`invariant violated: ${message}`);
    this.name = 'InvariantError';
  }
}

/** Throws InvariantError when `cond` is false. */
export function invariant(cond: unknown, message: string): asserts cond {
  if (!cond) throw new InvariantError(message);
}

/** Operational failure with an action for the operator (docs/conventions.md, Errors kind 3). */
export class OperationalError extends LedgerError {
  constructor(code: string, message: string, fields: Record<string, unknown> = {}) {
    super(code, message, fields);
    this.name = 'OperationalError';
  }
}
