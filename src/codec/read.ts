import { DecodeError } from './errors.js';

// Field readers shared by every decodeX: each checks one shape and names the field on failure.

function bad(field: string, why: string): never {
  throw new DecodeError('DECODE_BAD_FIELD', `${field}: ${why}`, { field });
}

/** An array of exactly `len` elements (or within [len, maxLen] when maxLen is given). */
export function readTuple(v: unknown, field: string, len: number): unknown[] {
  if (!Array.isArray(v)) bad(field, 'expected array');
  if (v.length !== len) bad(field, `expected ${len} elements, got ${v.length}`);
  return v;
}

/** An array of at most `maxLen` elements. */
export function readArray(v: unknown, field: string, maxLen: number): unknown[] {
  if (!Array.isArray(v)) bad(field, 'expected array');
  if (v.length > maxLen) bad(field, `more than ${maxLen} elements`);
  return v;
}

/** Bytes of exactly `len` (or at most `maxLen` when len is null). */
export function readBytes(v: unknown, field: string, len: number | null, maxLen = 1 << 24): Uint8Array {
  if (!(v instanceof Uint8Array)) bad(field, 'expected bytes');
  if (len !== null && v.length !== len) bad(field, `expected ${len} bytes`);
  if (v.length > maxLen) bad(field, `more than ${maxLen} bytes`);
  // Buffers from msgpackr share one slab; copy so callers can keep them without pinning it.
  return new Uint8Array(v);
}

/** A safe integer in [min, max]. */
export function readInt(v: unknown, field: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) bad(field, 'expected integer');
  if (v < min || v > max) bad(field, `out of range [${min}, ${max}]`);
  return v;
}

/** A string of at most `maxLen` UTF-16 units, optionally matching `re`. */
export function readString(v: unknown, field: string, maxLen: number, re?: RegExp): string {
  if (typeof v !== 'string') bad(field, 'expected string');
  if (v.length > maxLen) bad(field, `longer than ${maxLen}`);
  if (!v.isWellFormed()) bad(field, 'not well-formed Unicode');
  if (re && !re.test(v)) bad(field, 'invalid format');
  return v;
}

/** A boolean. */
export function readBool(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') bad(field, 'expected boolean');
  return v;
}

/** Throws a DECODE_BAD_FIELD error. */
export function badField(field: string, why: string): never {
  bad(field, why);
}
