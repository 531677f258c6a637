import { pack, unpackTrusted } from '../../codec/msgpack.js';
import { readArray, readTuple } from '../../codec/read.js';
import { invariant } from '../../util/errors.js';

// Contract records are positional msgpack tuples written by this node's own executor, so they
// are decoded with unpackTrusted; a shape mismatch is a bug (or a corrupt disk), not bad
// input, and throws. Amounts are decimal strings: the codec maps 64-bit integers to numbers.

/** Packs a record tuple. */
export function packRecord(tuple: readonly unknown[]): Uint8Array {
  return pack(tuple);
}

/** Unpacks a record tuple of exactly `len` fields. */
export function unpackRecord(bytes: Uint8Array, what: string, len: number): unknown[] {
  return readTuple(unpackTrusted(bytes), what, len);
}

/** Unpacks a stored list of any length. */
export function unpackList(bytes: Uint8Array, what: string): unknown[] {
  return readArray(unpackTrusted(bytes), what, Number.MAX_SAFE_INTEGER);
}

/** A string field of a stored record. */
export function str(v: unknown, what: string): string {
  invariant(typeof v === 'string', `${what}: expected string in stored record`);
  return v;
}

/** A nullable string field of a stored record. */
export function strOrNull(v: unknown, what: string): string | null {
  return v === null ? null : str(v, what);
}

/** An integer field of a stored record. */
export function int(v: unknown, what: string): number {
  invariant(typeof v === 'number' && Number.isSafeInteger(v), `${what}: expected integer in stored record`);
  return v;
}

/** A boolean field of a stored record. */
export function bool(v: unknown, what: string): boolean {
  invariant(typeof v === 'boolean', `${what}: expected boolean in stored record`);
  return v;
}

/** A string array field of a stored record. */
export function strList(v: unknown, what: string): string[] {
  invariant(Array.isArray(v) && v.every((x) => typeof x === 'string'), `${what}: expected string list in stored record`);
  return v as string[];
}

/** An amount stored as a decimal string. */
export function amount(v: unknown, what: string): bigint {
  return BigInt(str(v, what));
}
