import type { KvOp } from '../types/edges.js';
import { invariant } from '../util/errors.js';

/**
 * Validates a whole batch before any of it is applied, so both KvStore implementations reject
 * a bad batch identically and entirely. A malformed op is a caller bug, hence InvariantError.
 */
export function checkKvOps(ops: readonly KvOp[]): void {
  invariant(Array.isArray(ops), 'kv batch: ops must be an array');
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i] as KvOp | undefined;
    invariant(typeof op === 'object' && op !== null, `kv batch op ${i}: not an object`);
    invariant(op.key instanceof Uint8Array, `kv batch op ${i}: key must be a Uint8Array`);
    invariant(op.value === null || op.value instanceof Uint8Array, `kv batch op ${i}: value must be a Uint8Array or null`);
  }
}

/** A plain Uint8Array view of bytes (LevelDB hands out Buffers; callers get one type). */
export function asView(b: Uint8Array): Uint8Array {
  return b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
