import { Packr } from 'msgpackr';
import { DecodeError } from './errors.js';
import { bytesEqual } from '../util/bytes.js';

// useRecords:false keeps the output plain MessagePack (no msgpackr record extension), so any
// implementation can reproduce our bytes; maps keep insertion order, which callers make
// canonical by building objects with sorted keys.
const packr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  variableMapSize: true,
  int64AsType: 'number',
  moreTypes: false,
  bundleStrings: false,
});

/** Default upper bound for anything decoded from outside (a block is bounded separately). */
export const MAX_DECODE_BYTES = 16 * 1024 * 1024;

// No wire type nests deeper than ~8 (committed block > block > header > QC > signature), so a
// bound far above that keeps the canonical walk from recursing on hostile input.
const MAX_DEPTH = 32;
const INT32_MIN = -0x8000_0000;
const UINT32_MAX = 0xffff_ffff;

/**
 * Encodes a value built only of arrays, sorted objects, strings, safe integers, booleans, null and bytes.
 *
 * Canonical integer forms: the smallest MessagePack int that holds the value, and int64 (0xd3)
 * for safe integers outside the 32-bit ranges (msgpackr alone would write those as float64,
 * and floats are not part of the canonical subset).
 */
export function pack(value: unknown): Uint8Array {
  const buf = packr.pack(widenIntegers(value));
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * Decodes exactly one value and proves the bytes are canonical. Codes:
 * - DECODE_TOO_LARGE: more than `maxBytes`.
 * - DECODE_MALFORMED: not exactly one well-formed MessagePack value (empty, truncated,
 *   trailing bytes, unknown extension, nested deeper than any wire type).
 * - DECODE_NON_CANONICAL: well-formed, but not the one encoding our encoder produces of a
 *   value in the canonical subset: floats, unsafe integers, extension types, invalid UTF-8,
 *   map keys that are not strings in strictly ascending order (so also duplicates),
 *   non-minimal integer or length forms.
 * The last group is proved by re-encoding the result and comparing byte for byte.
 * PERF: one extra pack per decode, ~1 µs for a 300-byte transaction.
 */
export function unpackCanonical(bytes: Uint8Array, maxBytes: number = MAX_DECODE_BYTES): unknown {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError('DECODE_MALFORMED', 'input is not bytes');
  if (bytes.length > maxBytes) {
    throw new DecodeError('DECODE_TOO_LARGE', 'input exceeds size limit', { sizeBytes: bytes.length, maxBytes });
  }
  if (bytes.length === 0) throw new DecodeError('DECODE_MALFORMED', 'empty input');
  let value: unknown;
  try {
    value = packr.unpack(bytes);
  } catch (e) {
    throw new DecodeError('DECODE_MALFORMED', 'not a single MessagePack value', { cause: String(e).slice(0, 200) });
  }
  checkCanonicalSubset(value, 0);
  let again: Uint8Array;
  try {
    again = packr.pack(widenIntegers(value));
  } catch (e) {
    throw new DecodeError('DECODE_NON_CANONICAL', 'value cannot be re-encoded', { cause: String(e).slice(0, 200) });
  }
  if (!sameBytes(again, bytes)) throw new DecodeError('DECODE_NON_CANONICAL', 'encoding is not canonical');
  return value;
}

/** Decodes without the canonical check: only for bytes this node wrote itself (its own LevelDB). */
export function unpackTrusted(bytes: Uint8Array): unknown {
  try {
    return packr.unpack(bytes);
  } catch (e) {
    throw new DecodeError('DECODE_MALFORMED', 'stored value is not MessagePack', { cause: String(e).slice(0, 200) });
  }
}

// PERF: native memcmp; the byte-by-byte JS loop took ~0.36 ms of a 290 KB block decode.
// Without Buffer (a browser) the loop of util/bytes does.
const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (NodeBuffer === undefined) return bytesEqual(a, b);
  return a.byteLength === b.byteLength && NodeBuffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

// Returns `v` itself when nothing changes, so the common case (no large integers) allocates nothing.
function widenIntegers(v: unknown): unknown {
  if (typeof v === 'number') {
    return (v > UINT32_MAX || v < INT32_MIN) && Number.isSafeInteger(v) ? BigInt(v) : v;
  }
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array) return v;
  if (Array.isArray(v)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      const w = widenIntegers(x);
      if (w !== x) (out ??= v.slice())[i] = w;
    }
    return out ?? v;
  }
  if (!isPlainObject(v)) return v;
  let out: Record<string, unknown> | null = null;
  for (const k of Object.keys(v)) {
    const x = v[k];
    const w = widenIntegers(x);
    if (w !== x) (out ??= { ...v })[k] = w;
  }
  return out ?? v;
}

function nonCanonical(why: string): never {
  throw new DecodeError('DECODE_NON_CANONICAL', why);
}

// Everything the re-encode comparison cannot see: a float re-encodes to itself, and a map
// re-encodes in the order it was read, so both are checked on the decoded value.
function checkCanonicalSubset(v: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw new DecodeError('DECODE_MALFORMED', 'nested too deeply');
  switch (typeof v) {
    case 'string':
      if (!v.isWellFormed()) nonCanonical('strings must be valid UTF-8');
      return;
    case 'boolean':
      return;
    case 'number':
      // A float64 holding 2^53 or more passes the re-encode check (we write unsafe numbers as
      // floats), and an int64 beyond 2^53 decodes lossily: both are outside the subset.
      if (!Number.isSafeInteger(v)) nonCanonical('floats and integers beyond 2^53 are not allowed');
      return;
    case 'object':
      break;
    default:
      nonCanonical(`unsupported value type ${typeof v}`);
  }
  if (v === null || v instanceof Uint8Array) return;
  if (Array.isArray(v)) {
    for (const x of v as unknown[]) checkCanonicalSubset(x, depth + 1);
    return;
  }
  if (!isPlainObject(v)) nonCanonical('extension types are not allowed');
  let prev: string | null = null;
  for (const k of Object.keys(v)) {
    if (prev !== null && !(prev < k)) nonCanonical('map keys must be in ascending order');
    prev = k;
    checkCanonicalSubset(v[k], depth + 1);
  }
}
