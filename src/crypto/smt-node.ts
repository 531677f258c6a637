import { sha256Binary } from './hash.js';

// Internal node representation of the state tree (smt.ts). Not exported from the crypto module.
//
// Hashes, paths, keys and values are kept as "binary strings": latin1 strings with one char per
// byte. PERF: a one-byte V8 string costs 16 heap bytes + its length, while a 32-byte Uint8Array
// measured ~240; equality is a native string compare and `<` on them is byte-lexicographic
// order. Bytes cross the public API only.

/** A 32-char binary string: all-zero, the hash of an empty subtree. */
export const ZERO_BIN = '\0'.repeat(32);

/** A key/value pair at the shallowest depth where its path prefix is unique. */
export class Leaf {
  constructor(
    /** sha256(key) as a binary string. */
    readonly path: string,
    /** The key's bytes as a binary string. */
    readonly key: string,
    /** The value's bytes as a binary string. */
    readonly value: string,
    /** sha256(0x00 ‖ path ‖ sha256(value)). */
    readonly hash: string,
  ) {}
}

/**
 * An internal node; holds at least two leaves below it, so at most one child is null. It
 * keeps its children's hashes as well as its own. PERF: rehashing a path then reads the
 * sibling's hash from the path node itself instead of loading the sibling node, a cache miss
 * per level (perf showed the update stalled on those loads; -5% last-level misses for the
 * executor bench under callgrind). Costs 8 bytes per branch.
 */
export class Branch {
  constructor(
    /** Subtree whose paths have a 0 at this depth. */
    readonly left: TreeNode | null,
    /** Subtree whose paths have a 1 at this depth. */
    readonly right: TreeNode | null,
    /** left.hash, or ZERO_BIN for a null left child. */
    readonly leftHash: string,
    /** right.hash, or ZERO_BIN for a null right child. */
    readonly rightHash: string,
    /** sha256(0x01 ‖ leftHash ‖ rightHash). */
    readonly hash: string,
  ) {}
}

/** A non-empty subtree. */
export type TreeNode = Leaf | Branch;

// Buffer#latin1Slice (in Node since v0.x, missing from @types/node) reads any Uint8Array, so a
// binary string costs one native call and no Buffer wrapper. PERF: ~half of Buffer.from().toString().
// Without Buffer (a browser) binOf and bytesOf take plain loops.
const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;
const latin1Slice = NodeBuffer === undefined ? null : (NodeBuffer.prototype as unknown as { latin1Slice(this: Uint8Array, start: number, end: number): string }).latin1Slice;

/** Binary string of bytes. */
export function binOf(bytes: Uint8Array): string {
  if (latin1Slice === null) {
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return s;
  }
  return latin1Slice.call(bytes, 0, bytes.length);
}

/** Fresh bytes of a binary string (a plain Uint8Array, never a view into a shared pool). */
export function bytesOf(bin: string): Uint8Array {
  // PERF: decoding into Node's pooled Buffer and copying out is ~20% faster than writing into
  // a new Uint8Array through a Buffer view (measured, 120-byte values).
  if (NodeBuffer === undefined) return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return new Uint8Array(NodeBuffer.from(bin, 'latin1'));
}

/** Bit `depth` of a 32-byte binary path, most significant bit of byte 0 first. */
export function bitAt(path: string, depth: number): number {
  return (path.charCodeAt(depth >> 3) >> (7 - (depth & 7))) & 1;
}

// One scratch array for every 65-byte hash input: hashing is synchronous, so no two callers
// can interleave, and reusing it saves an allocation per node. PERF: the hashes are copied in
// with a charCodeAt loop the JIT compiles to plain loads and stores: a node hash (copy plus
// sha256) measured 350-380 ns that way against 370-440 ns with two native
// Buffer#latin1Write calls, whose call overhead is most of their cost for 32 bytes.
const scratch = new Uint8Array(65);

function writeBin(s: string, offset: number): void {
  for (let i = 0; i < 32; i++) scratch[offset + i] = s.charCodeAt(i);
}

/** Leaf hash from the path and sha256(value), both 32-char binary strings. */
export function leafHashBin(path: string, valueHash: string): string {
  scratch[0] = 0;
  writeBin(path, 1);
  writeBin(valueHash, 33);
  return sha256Binary(scratch);
}

/** Internal node hash of two child hashes (ZERO_BIN for an empty child). */
export function branchHashBin(left: string, right: string): string {
  scratch[0] = 1;
  writeBin(left, 1);
  writeBin(right, 33);
  return sha256Binary(scratch);
}

/** A branch over two children, hashed once; callers guarantee the pair holds >= 2 leaves. */
export function makeBranch(left: TreeNode | null, right: TreeNode | null): Branch {
  return branchOf(left, left === null ? ZERO_BIN : left.hash, right, right === null ? ZERO_BIN : right.hash);
}

/** makeBranch for children whose hashes the caller has at hand (ZERO_BIN for null). */
export function branchOf(left: TreeNode | null, leftHash: string, right: TreeNode | null, rightHash: string): Branch {
  return new Branch(left, right, leftHash, rightHash, branchHashBin(leftHash, rightHash));
}

/**
 * The canonical node for a pair of subtrees: a lone leaf moves up (compaction), an empty pair
 * vanishes, anything else becomes a branch. Applying this at every level keeps each leaf at the
 * shallowest depth where its prefix is unique, so the shape depends on the key set only.
 */
export function joinNodes(left: TreeNode | null, right: TreeNode | null): TreeNode | null {
  if (left === null && (right === null || right instanceof Leaf)) return right;
  if (right === null && left instanceof Leaf) return left;
  return makeBranch(left, right);
}

/** Index of the first item in [lo, hi) whose path has bit `depth` set; items are sorted by path and share the bits above. */
export function splitByBit(items: readonly { readonly path: string }[], lo: number, hi: number, depth: number): number {
  let a = lo;
  let b = hi;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (bitAt((items[m] as { readonly path: string }).path, depth) === 0) a = m + 1;
    else b = m;
  }
  return a;
}
