import type { Payload, PayloadValue } from '../types/primitives.js';
import { DecodeError } from './errors.js';

/** Limits on transaction payloads: small, shallow and float-free. */
export const PAYLOAD_LIMITS = { maxDepth: 4, maxKeys: 32, maxArray: 256, maxString: 4096 } as const;

const KEY_RE = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

function fail(path: string, why: string): never {
  throw new DecodeError('DECODE_BAD_FIELD', `payload${path}: ${why}`, { field: `payload${path}` });
}

/**
 * Validates a payload value and returns a copy whose objects have sorted keys, the one
 * canonical form that is hashed and signed. Throws DecodeError for floats, unsafe integers,
 * lone surrogates, undefined, bytes, deep nesting, bad keys or oversize strings and arrays.
 */
export function canonicalPayload(value: unknown): Payload {
  if (!isPlainObject(value)) fail('', 'expected object');
  return canonical(value, '', 0) as Payload;
}

function canonical(v: unknown, path: string, depth: number): PayloadValue {
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    if (v.length > PAYLOAD_LIMITS.maxString) fail(path, 'string too long');
    // A lone surrogate has no UTF-8 form: msgpackr would write bytes no decoder accepts back.
    if (!v.isWellFormed()) fail(path, 'string is not well-formed Unicode');
    return v;
  }
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) fail(path, 'numbers must be safe integers (use strings for amounts)');
    // -0 encodes as 0; normalising keeps the canonical payload equal to its decoded form.
    return v === 0 ? 0 : v;
  }
  if (depth >= PAYLOAD_LIMITS.maxDepth) fail(path, 'nested too deeply');
  if (Array.isArray(v)) {
    if (v.length > PAYLOAD_LIMITS.maxArray) fail(path, 'array too long');
    return v.map((x, i) => canonical(x, `${path}[${i}]`, depth + 1));
  }
  if (isPlainObject(v)) {
    const keys = Object.keys(v).sort();
    if (keys.length > PAYLOAD_LIMITS.maxKeys) fail(path, 'too many keys');
    const out: Record<string, PayloadValue> = {};
    for (const k of keys) {
      if (!KEY_RE.test(k)) fail(path, `invalid key`);
      out[k] = canonical(v[k], `${path}.${k}`, depth + 1);
    }
    return out;
  }
  fail(path, 'unsupported value type');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
