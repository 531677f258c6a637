import { concatBytes, utf8 } from '../../../src/util/bytes.js';

// A hand MessagePack writer for building the encodings our encoder never produces (wide
// integers, floats, unsorted or duplicate map keys), independent of msgpackr.

/** Integer widths MessagePack offers. */
export type IntWidth = 'fixint' | 'u8' | 'u16' | 'u32' | 'u64' | 'i8' | 'i16' | 'i32' | 'i64';

const RANGES: Readonly<Record<IntWidth, readonly [number, number]>> = {
  fixint: [-32, 127],
  u8: [0, 0xff], u16: [0, 0xffff], u32: [0, 0xffff_ffff], u64: [0, Number.MAX_SAFE_INTEGER],
  i8: [-0x80, 0x7f], i16: [-0x8000, 0x7fff], i32: [-0x8000_0000, 0x7fff_ffff], i64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** Every width that can hold n. */
export function widthsFor(n: number): IntWidth[] {
  return (Object.keys(RANGES) as IntWidth[]).filter((w) => n >= RANGES[w][0] && n <= RANGES[w][1]);
}

/**
 * The canonical width of n under the codec's rule: the smallest MessagePack form, preferring
 * unsigned for non-negatives, and int64 for anything beyond the 32-bit ranges.
 */
export function canonicalWidth(n: number): IntWidth {
  if (n >= -32 && n <= 127) return 'fixint';
  if (n >= 0) return n <= 0xff ? 'u8' : n <= 0xffff ? 'u16' : n <= 0xffff_ffff ? 'u32' : 'i64';
  return n >= -0x80 ? 'i8' : n >= -0x8000 ? 'i16' : n >= -0x8000_0000 ? 'i32' : 'i64';
}

function fixed(tag: number, size: number, write: (v: DataView) => void): Uint8Array {
  const out = new Uint8Array(1 + size);
  out[0] = tag;
  write(new DataView(out.buffer, 1));
  return out;
}

/** n in the given width (caller ensures it fits). */
export function int(n: number, w: IntWidth): Uint8Array {
  switch (w) {
    case 'fixint': return Uint8Array.of(n & 0xff);
    case 'u8': return fixed(0xcc, 1, (v) => v.setUint8(0, n));
    case 'u16': return fixed(0xcd, 2, (v) => v.setUint16(0, n));
    case 'u32': return fixed(0xce, 4, (v) => v.setUint32(0, n));
    case 'u64': return fixed(0xcf, 8, (v) => v.setBigUint64(0, BigInt(n)));
    case 'i8': return fixed(0xd0, 1, (v) => v.setInt8(0, n));
    case 'i16': return fixed(0xd1, 2, (v) => v.setInt16(0, n));
    case 'i32': return fixed(0xd2, 4, (v) => v.setInt32(0, n));
    case 'i64': return fixed(0xd3, 8, (v) => v.setBigInt64(0, BigInt(n)));
  }
}

/** float64 / float32 encodings. */
export const f64 = (x: number): Uint8Array => fixed(0xcb, 8, (v) => v.setFloat64(0, x));
export const f32 = (x: number): Uint8Array => fixed(0xca, 4, (v) => v.setFloat32(0, x));

function header(len: number, fix: number, fixMax: number, t16: number, t32: number): Uint8Array {
  if (len <= fixMax) return Uint8Array.of(fix | len);
  if (len <= 0xffff) return fixed(t16, 2, (v) => v.setUint16(0, len));
  return fixed(t32, 4, (v) => v.setUint32(0, len));
}

/** Array of already-encoded items. */
export const arr = (...items: Uint8Array[]): Uint8Array => concatBytes(header(items.length, 0x90, 15, 0xdc, 0xdd), ...items);

/** Map of [key, encodedValue] in exactly the order given (duplicates allowed). */
export const map = (entries: readonly (readonly [string, Uint8Array])[]): Uint8Array =>
  concatBytes(header(entries.length, 0x80, 15, 0xde, 0xdf), ...entries.flatMap(([k, v]) => [str(k), v]));

/** UTF-8 string with the minimal header. */
export function str(s: string): Uint8Array {
  const b = utf8(s);
  const h = b.length <= 31 ? Uint8Array.of(0xa0 | b.length)
    : b.length <= 0xff ? Uint8Array.of(0xd9, b.length)
      : b.length <= 0xffff ? fixed(0xda, 2, (v) => v.setUint16(0, b.length)) : fixed(0xdb, 4, (v) => v.setUint32(0, b.length));
  return concatBytes(h, b);
}

/** Binary with the minimal header. */
export function bin(b: Uint8Array): Uint8Array {
  const h = b.length <= 0xff ? Uint8Array.of(0xc4, b.length)
    : b.length <= 0xffff ? fixed(0xc5, 2, (v) => v.setUint16(0, b.length)) : fixed(0xc6, 4, (v) => v.setUint32(0, b.length));
  return concatBytes(h, b);
}

/** nil, true, false. */
export const NIL = Uint8Array.of(0xc0);
