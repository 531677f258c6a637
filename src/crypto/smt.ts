import type { Hash } from '../types/primitives.js';
import { bytesEqual, utf8 } from '../util/bytes.js';
import { sha256, sha256Binary, sha256BinaryOfAscii, sha256Parts, ZERO_HASH } from './hash.js';
import { applyOps, buildLeaves, prepareLeaves, prepareOps, preparedOps } from './smt-build.js';
import { binOf, bitAt, Branch, bytesOf, Leaf, type TreeNode } from './smt-node.js';

/**
 * The authenticated state commitment: a persistent, path-compressed binary sparse Merkle tree.
 *
 * - Paths are sha256(key), walked most significant bit first. A leaf sits at the shallowest
 *   depth where its path prefix is unique (Diem Jellyfish / compact SMT), and an empty subtree
 *   hashes to 32 zero bytes, so the root is a function of the key/value set only: insertion
 *   order, batching and deleted history leave no trace (test/unit/crypto/smt*.test.ts).
 * - leaf = sha256(0x00 ‖ path ‖ sha256(value)); internal = sha256(0x01 ‖ left ‖ right). The
 *   prefixes keep a leaf from passing as an internal node; hashing the value first keeps every
 *   hash input at 65 bytes.
 * - Each StateTree is an immutable version. update() shares every untouched subtree with its
 *   parent, so the executor can hold several speculative versions (forks) at once; a dropped
 *   version is reclaimed by the garbage collector.
 * - A batch is sorted by path and applied in one recursive pass (smt-build.ts): each node on
 *   the union of the written paths is hashed once per batch, not once per key. Writes that
 *   change nothing rehash nothing.
 *
 * Design notes beyond the brief, each measured (bench/smt.bench.ts):
 * - Nodes keep hashes, paths, keys and values as binary strings (smt-node.ts): a 32-byte hash
 *   costs ~48 heap bytes that way against ~240 as a Uint8Array; a 1M-key tree with 120-byte
 *   values holds ~420 MB. They are hashed with the one-shot sha256Binary, ~3x the rate of
 *   sha256Parts on 65-byte inputs. In the executor (2,300 writes into 100k keys) update() is
 *   about one third sha256 calls and most of the rest waiting on cache misses while walking
 *   the written paths (perf annotate: the stalls sit on loading each next node).
 * - The executor reads and writes through PreparedKey (getPrepared / updatePrepared): each
 *   key's path is hashed once per block, not once for the read and again for the write.
 * - Batches and bulk builds are sorted by a counting sort on the top path bits (smt-build.ts):
 *   a comparator sort was most of a 1M-key build.
 * - Jellyfish-style 16-way node storage (same binary hashes, a quarter of the hops) was built
 *   and measured: no faster for get() and ~25% slower for update() here, so nodes stay binary.
 * - verifyStateProof deliberately uses the other hashing path (sha256Parts on bytes), so every
 *   proof checked in the tests cross-checks both.
 */
export class StateTree {
  /** 32-byte commitment to the key/value set; ZERO_HASH for the empty tree. */
  readonly root: Hash;
  /** Number of keys. */
  readonly size: number;
  readonly #node: TreeNode | null;

  private constructor(node: TreeNode | null, size: number) {
    this.#node = node;
    this.size = size;
    this.root = node === null ? ZERO_HASH : bytesOf(node.hash);
  }

  /** The tree with no keys. */
  static empty(): StateTree {
    return EMPTY;
  }

  /**
   * Builds a tree from key/value pairs (a later pair for the same key wins). PERF: one sort and
   * one bottom-up pass; no node is hashed twice.
   */
  static fromEntries(entries: Iterable<readonly [Uint8Array, Uint8Array]>): StateTree {
    const leaves = prepareLeaves(entries);
    return new StateTree(buildLeaves(leaves, 0, leaves.length, 0), leaves.length);
  }

  /**
   * The value stored under `key`, as fresh bytes, or undefined. PERF: one sha256 (the path) and
   * a walk of ~log2(size) nodes; no node is hashed.
   */
  get(key: Uint8Array): Uint8Array | undefined {
    const path = sha256Binary(key);
    const node = this.#slot(path, null);
    return node !== null && node.path === path ? bytesOf(node.value) : undefined;
  }

  /**
   * get() for a prepared key, returning a read-only view: the caller must not mutate it (it
   * shares a pooled slab). PERF: no key hashing (the path is in the key) and no private copy;
   * copying each value into its own ArrayBuffer cost more than the tree walk (the executor's
   * ~2,700 reads per block).
   */
  getPrepared(key: PreparedKey): Uint8Array | undefined {
    const node = this.#slot(key.path, null);
    return node !== null && node.path === key.path ? Buffer.from(node.value, 'latin1') : undefined;
  }

  /**
   * A new version with `writes` applied in order (value null deletes; the last write to a key
   * wins). This version is left unchanged. Returns `this` when the batch changes nothing.
   */
  update(writes: Iterable<readonly [Uint8Array, Uint8Array | null]>): StateTree {
    const ops = prepareOps(writes);
    const size = { delta: 0 };
    const node = applyOps(this.#node, 0, ops, 0, ops.length, size);
    return node === this.#node ? this : new StateTree(node, this.size + size.delta);
  }

  /**
   * update() for writes whose keys are prepared (the executor prepared them when it read
   * them), with the same result as update() of the same keys and values. Values are copied.
   */
  updatePrepared(writes: readonly PreparedWrite[]): StateTree {
    const ops = preparedOps(writes);
    const size = { delta: 0 };
    const node = applyOps(this.#node, 0, ops, 0, ops.length, size);
    return node === this.#node ? this : new StateTree(node, this.size + size.delta);
  }

  /** A proof of the value of `key` under `root`, or of its absence. */
  prove(key: Uint8Array): StateProof {
    const path = sha256Binary(key);
    const siblings: Hash[] = [];
    const node = this.#slot(path, siblings);
    const keyCopy = new Uint8Array(key);
    if (node === null) return { key: keyCopy, value: null, siblings, otherLeaf: null };
    if (node.path === path) return { key: keyCopy, value: bytesOf(node.value), siblings, otherLeaf: null };
    return { key: keyCopy, value: null, siblings, otherLeaf: { path: bytesOf(node.path), valueHash: sha256(bytesOf(node.value)) } };
  }

  /** Every key/value pair as fresh bytes, in path order (the order is not part of the contract). */
  *entries(): IterableIterator<[Uint8Array, Uint8Array]> {
    const stack: TreeNode[] = this.#node === null ? [] : [this.#node];
    for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
      if (n instanceof Leaf) {
        yield [bytesOf(n.key), bytesOf(n.value)];
      } else {
        if (n.right !== null) stack.push(n.right);
        if (n.left !== null) stack.push(n.left);
      }
    }
  }

  // Walks to the slot where `path` ends: the leaf there, or null for an empty slot. Collects
  // the sibling hashes, root level first, when asked.
  #slot(path: string, siblings: Hash[] | null): Leaf | null {
    let node = this.#node;
    for (let depth = 0; node instanceof Branch; depth++) {
      const right = bitAt(path, depth) === 1;
      if (siblings !== null) siblings.push(bytesOf(right ? node.leftHash : node.rightHash));
      node = right ? node.right : node.left;
    }
    return node;
  }
}

const EMPTY = StateTree.fromEntries([]);

/**
 * A state key prepared for the tree: its path sha256(key) and its bytes, both as binary
 * strings (one char per byte). Computed once per key and block by the executor, then used for
 * the read and the write of that key.
 */
export interface PreparedKey {
  readonly path: string;
  readonly bin: string;
}

/** A write of a prepared key; value null deletes. */
export interface PreparedWrite {
  readonly key: PreparedKey;
  readonly value: Uint8Array | null;
}

/** The prepared form of key bytes. */
export function prepareKey(key: Uint8Array): PreparedKey {
  return { path: sha256Binary(key), bin: binOf(key) };
}

/**
 * The prepared form of the UTF-8 bytes of `key`. PERF: an ASCII key (every key the contracts
 * build) is its own binary string and is hashed as a string, so no byte array is made at all.
 */
export function prepareStringKey(key: string): PreparedKey {
  for (let i = 0; i < key.length; i++) {
    if (key.charCodeAt(i) > 0x7f) return prepareKey(utf8(key));
  }
  return { path: sha256BinaryOfAscii(key), bin: key };
}

/** The leaf found in a key's slot by a non-membership proof. */
export interface StateProofLeaf {
  /** sha256 of that leaf's key: differs from the proven key's path, shares its first siblings.length bits. */
  readonly path: Hash;
  /** sha256 of that leaf's value. */
  readonly valueHash: Hash;
}

/**
 * Membership (value non-null) or non-membership (value null) of `key` under a state root.
 * Served to auditors as bytes (encodeStateProof) or JSON (stateProofToJson).
 */
export interface StateProof {
  readonly key: Uint8Array;
  /** The value of `key`, or null for "absent". */
  readonly value: Uint8Array | null;
  /** Sibling hashes along the key's path, root level first; ZERO_HASH for an empty sibling. */
  readonly siblings: readonly Hash[];
  /** Absent key whose slot holds another key's leaf: that leaf. Null otherwise. */
  readonly otherLeaf: StateProofLeaf | null;
}

/** Most siblings a proof can have: one per path bit. */
export const MAX_STATE_PROOF_SIBLINGS = 256;

const LEAF_PREFIX = Uint8Array.of(0);
const NODE_PREFIX = Uint8Array.of(1);

function isHash(h: unknown): h is Hash {
  return h instanceof Uint8Array && h.length === 32;
}

/**
 * True iff `proof.value` is the value of `proof.key` under `root` (null: the key is absent).
 * Standalone: needs no tree or database. A proof is unique per (root, key): the hash chain
 * pins the depth of the key's slot and its content.
 */
export function verifyStateProof(root: Hash, proof: StateProof): boolean {
  const { key, value, siblings, otherLeaf } = proof;
  if (!isHash(root) || !(key instanceof Uint8Array) || !Array.isArray(siblings)) return false;
  const depth = siblings.length;
  if (depth > MAX_STATE_PROOF_SIBLINGS || !siblings.every(isHash)) return false;
  const path = sha256(key);
  let h: Hash;
  if (value !== null) {
    if (!(value instanceof Uint8Array) || otherLeaf !== null) return false;
    h = sha256Parts(LEAF_PREFIX, path, sha256(value));
  } else if (otherLeaf === null) {
    h = ZERO_HASH;
  } else {
    if (!isHash(otherLeaf.path) || !isHash(otherLeaf.valueHash)) return false;
    // The other leaf must sit in this key's slot (same first `depth` bits) and be another key.
    if (bytesEqual(otherLeaf.path, path) || !samePrefix(otherLeaf.path, path, depth)) return false;
    h = sha256Parts(LEAF_PREFIX, otherLeaf.path, otherLeaf.valueHash);
  }
  for (let i = depth - 1; i >= 0; i--) {
    const sibling = siblings[i] as Hash;
    h = pathBit(path, i) === 1 ? sha256Parts(NODE_PREFIX, sibling, h) : sha256Parts(NODE_PREFIX, h, sibling);
  }
  return bytesEqual(h, root);
}

function pathBit(path: Uint8Array, i: number): number {
  return ((path[i >> 3] as number) >> (7 - (i & 7))) & 1;
}

function samePrefix(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  for (let i = 0; i < bits; i++) if (pathBit(a, i) !== pathBit(b, i)) return false;
  return true;
}

export { decodeStateProof, encodeStateProof, stateProofFromJson, stateProofToJson, STATE_PROOF_LIMITS, type StateProofJson } from './smt-codec.js';
