import { DecodeError } from '../codec/errors.js';
import { MAX_DECODE_BYTES, pack, unpackCanonical } from '../codec/msgpack.js';
import { badField, readArray, readBytes, readTuple } from '../codec/read.js';
import { fromHex, toHex } from '../util/bytes.js';
import type { StateProof, StateProofLeaf } from './smt.js';

// Wire forms of a state proof. Bytes: the positional tuple
//   [key, value | nil, [sibling, ...], nil | [otherPath, otherValueHash]]
// through the canonical codec. JSON (GET /v1/proofs/state): the same fields as lower-case hex.
// Both decoders check shapes and sizes only; whether the proof holds is verifyStateProof's job.

/** Bounds on a decoded state proof. */
export const STATE_PROOF_LIMITS = { maxKeyBytes: 64 * 1024, maxValueBytes: MAX_DECODE_BYTES, maxSiblings: 256 } as const;

/** Canonical bytes of a state proof. */
export function encodeStateProof(proof: StateProof): Uint8Array {
  const other = proof.otherLeaf === null ? null : [proof.otherLeaf.path, proof.otherLeaf.valueHash];
  return pack([proof.key, proof.value, [...proof.siblings], other]);
}

/** Decodes a state proof from untrusted bytes; throws DecodeError only. */
export function decodeStateProof(bytes: Uint8Array): StateProof {
  const t = readTuple(unpackCanonical(bytes), 'stateProof', 4);
  const key = readBytes(t[0], 'stateProof.key', null, STATE_PROOF_LIMITS.maxKeyBytes);
  const value = t[1] === null ? null : readBytes(t[1], 'stateProof.value', null, STATE_PROOF_LIMITS.maxValueBytes);
  const siblings = readArray(t[2], 'stateProof.siblings', STATE_PROOF_LIMITS.maxSiblings).map((s, i) =>
    readBytes(s, `stateProof.siblings[${i}]`, 32),
  );
  let otherLeaf: StateProofLeaf | null = null;
  if (t[3] !== null) {
    const o = readTuple(t[3], 'stateProof.otherLeaf', 2);
    otherLeaf = { path: readBytes(o[0], 'stateProof.otherLeaf.path', 32), valueHash: readBytes(o[1], 'stateProof.otherLeaf.valueHash', 32) };
  }
  if (value !== null && otherLeaf !== null) badField('stateProof.otherLeaf', 'must be null when a value is given');
  return { key, value, siblings, otherLeaf };
}

/** JSON form of a state proof: byte fields as lower-case hex. */
export interface StateProofJson {
  key: string;
  value: string | null;
  siblings: string[];
  otherLeaf: { path: string; valueHash: string } | null;
}

/** The JSON form of a proof. */
export function stateProofToJson(proof: StateProof): StateProofJson {
  return {
    key: toHex(proof.key),
    value: proof.value === null ? null : toHex(proof.value),
    siblings: proof.siblings.map(toHex),
    otherLeaf: proof.otherLeaf === null ? null : { path: toHex(proof.otherLeaf.path), valueHash: toHex(proof.otherLeaf.valueHash) },
  };
}

/** Parses the JSON form (already JSON.parse'd, untrusted); throws DecodeError only. */
export function stateProofFromJson(json: unknown): StateProof {
  const o = readObject(json, 'stateProof', ['key', 'value', 'siblings', 'otherLeaf']);
  const key = readHex(o.key, 'stateProof.key', null, STATE_PROOF_LIMITS.maxKeyBytes);
  const value = o.value === null ? null : readHex(o.value, 'stateProof.value', null, STATE_PROOF_LIMITS.maxValueBytes);
  const siblings = readArray(o.siblings, 'stateProof.siblings', STATE_PROOF_LIMITS.maxSiblings).map((s, i) =>
    readHex(s, `stateProof.siblings[${i}]`, 32, 32),
  );
  let otherLeaf: StateProofLeaf | null = null;
  if (o.otherLeaf !== null) {
    const l = readObject(o.otherLeaf, 'stateProof.otherLeaf', ['path', 'valueHash']);
    otherLeaf = { path: readHex(l.path, 'stateProof.otherLeaf.path', 32, 32), valueHash: readHex(l.valueHash, 'stateProof.otherLeaf.valueHash', 32, 32) };
  }
  if (value !== null && otherLeaf !== null) badField('stateProof.otherLeaf', 'must be null when a value is given');
  return { key, value, siblings, otherLeaf };
}

// A plain object with exactly `fields` as its own keys.
function readObject(v: unknown, field: string, fields: readonly string[]): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) badField(field, 'expected object');
  const keys = Object.keys(v);
  if (keys.length !== fields.length || !fields.every((f) => Object.hasOwn(v, f))) {
    badField(field, `expected exactly the fields ${fields.join(', ')}`);
  }
  return v as Record<string, unknown>;
}

function readHex(v: unknown, field: string, len: number | null, maxLen: number): Uint8Array {
  if (typeof v !== 'string') badField(field, 'expected hex string');
  if (v.length > maxLen * 2) throw new DecodeError('DECODE_TOO_LARGE', `${field}: more than ${maxLen} bytes`, { field });
  const bytes = fromHex(v);
  if (bytes === null) badField(field, 'invalid hex');
  if (len !== null && bytes.length !== len) badField(field, `expected ${len} bytes`);
  return bytes;
}
