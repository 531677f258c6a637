/** Outcome of a pure check: a value, or a typed error. Used by every verifyX function. */
export type Result<T, E = string> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

/** Success. */
export function ok<T>(value: T): Result<T, never> {
  return { ok: true, value };
}

/** Failure. */
export function err<E>(error: E): Result<never, E> {
  return { ok: false, error };
}
