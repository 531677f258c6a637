import type { Payload, PayloadValue } from '../../types/primitives.js';
import type { PayloadCheck } from '../types.js';

// Hand-written payload readers: the executor validates every transaction of every block, so
// this is the hot path; a few typeof checks and one regex per field beat a generic schema walk.
// Readers throw PayloadFieldError, which `payloadValidator` turns into a PAYLOAD_INVALID value
// at the boundary; no exception leaves validate().

/** Thrown by the readers below; caught only by payloadValidator. */
class PayloadFieldError extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
  }
}

/** Fails validation of `field` with `reason`. */
export function failField(field: string, reason: string): never {
  throw new PayloadFieldError(field, reason);
}

/** Wraps a reader-based validator so that it returns PayloadCheck values. */
export function payloadValidator<P>(read: (p: Payload) => P): (p: Payload) => PayloadCheck<P> {
  return (p) => {
    try {
      return { ok: true, value: read(p) };
    } catch (e) {
      if (e instanceof PayloadFieldError) return { ok: false, code: 'PAYLOAD_INVALID', detail: { field: e.field, reason: e.reason } };
      throw e;
    }
  };
}

/** Caller-chosen ids and fingerprints (docs/transactions.md): 1–128 chars of [A-Za-z0-9._:-]. */
export const ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;
/** Account ids and public keys in payloads: 64 lower-case hex digits. */
export const KEY_HEX_RE = /^[0-9a-f]{64}$/;
/** Account and member names (same rule as genesis names). */
export const NAME_RE = /^[A-Za-z0-9._-]{1,64}$/;
/** Largest amount: 2^63-1 minor units. */
export const MAX_AMOUNT = (1n << 63n) - 1n;
/** Amounts as decimal strings: no leading zero, at most 19 digits (the value is checked against MAX_AMOUNT). */
export const AMOUNT_RE = /^[1-9][0-9]{0,18}$/;

/** Checks that `p` has exactly the `required` keys plus any of `optional`, and nothing else. */
export function expectKeys(p: Payload, required: readonly string[], optional: readonly string[] = [], path = ''): void {
  for (const k of required) if (!Object.hasOwn(p, k)) failField(path + k, 'required');
  for (const k in p) {
    if (!required.includes(k) && !optional.includes(k)) failField(path + k, 'unknown field');
  }
}

/** A string field matching `re` (length is bounded by the regex). */
export function readMatch(p: Payload, field: string, re: RegExp, path = ''): string {
  const v = p[field];
  if (typeof v !== 'string' || !re.test(v)) failField(path + field, `must match ${re.source}`);
  return v;
}

/** A caller-chosen id (ID_RE). */
export function readId(p: Payload, field: string, path = ''): string {
  return readMatch(p, field, ID_RE, path);
}

/** An account id or public key as lower-case hex. */
export function readKeyHex(p: Payload, field: string, path = ''): string {
  return readMatch(p, field, KEY_HEX_RE, path);
}

/** A free text of at most `maxLen` characters (may be empty). */
export function readText(p: Payload, field: string, maxLen: number, path = ''): string {
  const v = p[field];
  if (typeof v !== 'string' || v.length > maxLen) failField(path + field, `must be a string of at most ${maxLen} characters`);
  return v;
}

/** A boolean field. */
export function readFlag(p: Payload, field: string, path = ''): boolean {
  const v = p[field];
  if (typeof v !== 'boolean') failField(path + field, 'must be a boolean');
  return v;
}

/** An amount in minor units: a decimal digit string or a safe integer, 1..2^63-1. */
export function readAmount(p: Payload, field: string, path = ''): bigint {
  const v = p[field];
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 1) return BigInt(v);
  if (typeof v === 'string' && AMOUNT_RE.test(v)) {
    const n = BigInt(v);
    if (n <= MAX_AMOUNT) return n;
  }
  return failField(path + field, 'must be an integer amount 1..2^63-1 (decimal string or safe integer)');
}

/** A nested object field. */
export function readObject(p: Payload, field: string, path = ''): Payload {
  const v: PayloadValue | undefined = p[field];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) failField(path + field, 'must be an object');
  return v as Payload;
}

/** An array field of `min`..`max` elements. */
export function readList(p: Payload, field: string, min: number, max: number, path = ''): readonly PayloadValue[] {
  const v = p[field];
  if (!Array.isArray(v) || v.length < min || v.length > max) failField(path + field, `must be an array of ${min}..${max} elements`);
  return v as readonly PayloadValue[];
}

/** An optional free text; `fallback` when absent. */
export function readOptionalText(p: Payload, field: string, maxLen: number, fallback: string): string {
  return Object.hasOwn(p, field) ? readText(p, field, maxLen) : fallback;
}
