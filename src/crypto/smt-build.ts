import { invariant } from '../util/errors.js';
import type { PreparedWrite } from './smt.js';
import { sha256Binary } from './hash.js';
import { binOf, bitAt, Branch, branchOf, joinNodes, Leaf, leafHashBin, makeBranch, splitByBit, type TreeNode, ZERO_BIN } from './smt-node.js';

// Batch algorithms of the state tree (smt.ts). A batch is sorted by path once; the recursion
// then splits the sorted range by one path bit per level, so the writes below a node arrive
// together and each node on the union of their paths is rebuilt, and hashed, exactly once.
// Untouched subtrees are shared with the previous version, never copied or rehashed.

/** One write, prepared: binary-string path, key and value (null deletes). */
export interface Op {
  readonly path: string;
  readonly key: string;
  readonly value: string | null;
  readonly valueBytes: Uint8Array | null;
}

/** Hashes the keys, sorts by path and keeps the last write to each key. */
export function prepareOps(writes: Iterable<readonly [Uint8Array, Uint8Array | null]>): Op[] {
  const ops: Op[] = [];
  for (const [key, value] of writes) {
    ops.push({ path: sha256Binary(key), key: binOf(key), value: value === null ? null : binOf(value), valueBytes: value });
  }
  return keepLastPerPath(sortByPath(ops));
}

/** prepareOps for writes whose paths and key strings are already known (StateTree.updatePrepared). */
export function preparedOps(writes: readonly PreparedWrite[]): Op[] {
  const ops: Op[] = [];
  for (const { key, value } of writes) ops.push({ path: key.path, key: key.bin, value: value === null ? null : binOf(value), valueBytes: value });
  return keepLastPerPath(sortByPath(ops));
}

/** Leaves for a bulk build, sorted by path, the last pair for a key winning. */
export function prepareLeaves(entries: Iterable<readonly [Uint8Array, Uint8Array]>): Leaf[] {
  const leaves: Leaf[] = [];
  for (const [key, value] of entries) {
    const path = sha256Binary(key);
    leaves.push(new Leaf(path, binOf(key), binOf(value), leafHashBin(path, sha256Binary(value))));
  }
  return keepLastPerPath(sortByPath(leaves));
}

// Drops all but the last of each run of equal paths (input sorted stably, so "last" is the
// latest write).
function keepLastPerPath<T extends { readonly path: string; readonly key: string }>(items: T[]): T[] {
  let n = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as T;
    const prev = n > 0 ? (items[n - 1] as T) : null;
    if (prev !== null && prev.path === item.path) {
      invariant(prev.key === item.key, 'sha256 collision between two state keys');
      items[n - 1] = item;
    } else {
      items[n++] = item;
    }
  }
  items.length = n;
  return items;
}

function byPath(a: { readonly path: string }, b: { readonly path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * Stable sort by path. PERF: paths are uniform (sha256), so a counting sort on the top ~log2(n)
 * bits leaves buckets of about one item; a comparator sort of 1M strings made ~20M JS calls and
 * took most of a bulk build.
 */
export function sortByPath<T extends { readonly path: string }>(items: T[]): T[] {
  const n = items.length;
  if (n < 256) return items.sort(byPath);
  const bits = Math.min(22, Math.max(8, Math.ceil(Math.log2(n))));
  const top = (path: string): number =>
    ((path.charCodeAt(0) << 16) | (path.charCodeAt(1) << 8) | path.charCodeAt(2)) >>> (24 - bits);
  const starts = new Uint32Array((1 << bits) + 1);
  for (const it of items) (starts[top(it.path) + 1] as number)++;
  for (let b = 1; b < starts.length; b++) starts[b] = (starts[b] as number) + (starts[b - 1] as number);
  const out = new Array<T>(n);
  const next = starts.slice(0, -1);
  for (const it of items) {
    const b = top(it.path);
    out[next[b] as number] = it;
    next[b] = (next[b] as number) + 1;
  }
  // Buckets hold ~1 item, so each is finished by an insertion sort in place (stable: an item
  // moves left only past strictly greater paths). PERF: a slice and sort() per bucket of two
  // or more allocated ~0.4 MB per 2,000-write batch.
  for (let b = 0; b + 1 < starts.length; b++) {
    const lo = starts[b] as number;
    const hi = starts[b + 1] as number;
    for (let i = lo + 1; i < hi; i++) {
      const it = out[i] as T;
      let j = i - 1;
      while (j >= lo && (out[j] as T).path > it.path) {
        out[j + 1] = out[j] as T;
        j--;
      }
      out[j + 1] = it;
    }
  }
  return out;
}

// A new leaf for a put; two hashes (value, then leaf).
function leafOf(op: Op): Leaf {
  invariant(op.value !== null && op.valueBytes !== null, 'leaf built from a delete');
  return new Leaf(op.path, op.key, op.value, leafHashBin(op.path, sha256Binary(op.valueBytes)));
}

/**
 * The canonical subtree at `depth` holding leaves[lo, hi), sorted by path with distinct paths
 * sharing their first `depth` bits. Used for bulk builds and wherever a batch lands on a leaf
 * or an empty slot. Every branch it makes holds >= 2 leaves, so none needs compaction.
 */
export function buildLeaves(leaves: readonly Leaf[], lo: number, hi: number, depth: number): TreeNode | null {
  if (hi - lo <= 1) return hi === lo ? null : (leaves[lo] as Leaf);
  invariant(depth < 256, 'two leaves with one path');
  const mid = splitByBit(leaves, lo, hi, depth);
  return makeBranch(buildLeaves(leaves, lo, mid, depth + 1), buildLeaves(leaves, mid, hi, depth + 1));
}

/** Running count of keys added minus keys removed by one batch. */
export interface SizeDelta {
  delta: number;
}

/**
 * Applies ops[lo, hi) (sorted, one per path, all sharing the first `depth` bits) to the subtree
 * `node` at `depth`. Returns the same object when nothing changes, so a batch of no-op writes
 * hashes nothing and keeps the root object.
 */
export function applyOps(node: TreeNode | null, depth: number, ops: readonly Op[], lo: number, hi: number, size: SizeDelta): TreeNode | null {
  if (lo === hi) return node;
  if (hi - lo === 1) return applyOne(node, depth, ops[lo] as Op, size);
  if (node === null) return buildFromOps(depth, ops, lo, hi, size);
  if (node instanceof Leaf) return mergeIntoLeaf(node, depth, ops, lo, hi, size);
  return applyToBranch(node, depth, ops, lo, hi, size);
}

// The branches passed on the way down in applyOne; module-level because applyOne never
// re-enters itself, so one array serves every call without an allocation.
const pathStack: Branch[] = [];

/**
 * applyOps for a range of exactly one write: a loop down the write's path and one back up,
 * rebuilding (and hashing) each branch passed once. PERF: below the top ~log2(batch) levels
 * every range holds one write, so this is most of the nodes of a batch; replacing the general
 * recursion (a split search and two calls per level) there made update() ~10% faster for
 * 2,300 writes into 100k keys.
 */
function applyOne(node: TreeNode | null, depth: number, op: Op, size: SizeDelta): TreeNode | null {
  const base = pathStack.length;
  let d = depth;
  let n = node;
  while (n instanceof Branch) {
    pathStack.push(n);
    n = bitAt(op.path, d) === 1 ? n.right : n.left;
    d++;
  }
  // n is the slot where op.path ends at depth d: empty, this key's leaf, or another key's leaf.
  let sub: TreeNode | null;
  if (n === null) {
    if (op.value === null) return unwind(base, node);
    sub = leafOf(op);
    size.delta += 1;
  } else if (n.path === op.path) {
    if (op.value === n.value) return unwind(base, node);
    if (op.value === null) {
      sub = null;
      size.delta -= 1;
    } else {
      sub = leafOf(op);
    }
  } else {
    if (op.value === null) return unwind(base, node);
    const mine = leafOf(op);
    sub = buildLeaves(n.path < op.path ? [n, mine] : [mine, n], 0, 2, d);
    size.delta += 1;
  }
  for (let i = pathStack.length - 1; i >= base; i--) {
    const b = pathStack[i] as Branch;
    d--;
    sub = bitAt(op.path, d) === 1 ? joinUnder(b.left, b.leftHash, sub, true) : joinUnder(b.right, b.rightHash, sub, false);
  }
  pathStack.length = base;
  return sub;
}

// joinNodes(sibling, sub) or joinNodes(sub, sibling), with the sibling's hash from its parent:
// the sibling node itself is looked at only when sub vanished (a delete), to see whether a
// lone leaf moves up.
function joinUnder(sibling: TreeNode | null, siblingHash: string, sub: TreeNode | null, subIsRight: boolean): TreeNode | null {
  if (sub === null) {
    if (sibling === null || sibling instanceof Leaf) return sibling;
  } else if (sibling === null && sub instanceof Leaf) {
    return sub;
  }
  const subHash = sub === null ? ZERO_BIN : sub.hash;
  return subIsRight ? branchOf(sibling, siblingHash, sub, subHash) : branchOf(sub, subHash, sibling, siblingHash);
}

function unwind(base: number, node: TreeNode | null): TreeNode | null {
  pathStack.length = base;
  return node;
}

function applyToBranch(node: Branch, depth: number, ops: readonly Op[], lo: number, hi: number, size: SizeDelta): TreeNode | null {
  const mid = splitByBit(ops, lo, hi, depth);
  const left = applyOps(node.left, depth + 1, ops, lo, mid, size);
  const right = applyOps(node.right, depth + 1, ops, mid, hi, size);
  if (left === node.left && right === node.right) return node;
  return joinNodes(left, right);
}

function buildFromOps(depth: number, ops: readonly Op[], lo: number, hi: number, size: SizeDelta): TreeNode | null {
  const leaves: Leaf[] = [];
  for (let i = lo; i < hi; i++) {
    const op = ops[i] as Op;
    if (op.value !== null) leaves.push(leafOf(op));
  }
  size.delta += leaves.length;
  return buildLeaves(leaves, 0, leaves.length, depth);
}

// A batch reaching an existing leaf: the slot's new content is that leaf (unless overwritten or
// deleted) merged in path order with the batch's puts, rebuilt canonically from this depth.
function mergeIntoLeaf(leaf: Leaf, depth: number, ops: readonly Op[], lo: number, hi: number, size: SizeDelta): TreeNode | null {
  const leaves: Leaf[] = [];
  let placed = false;
  for (let i = lo; i < hi; i++) {
    const op = ops[i] as Op;
    if (!placed && leaf.path < op.path) {
      leaves.push(leaf);
      placed = true;
    }
    if (op.path === leaf.path) {
      placed = true;
      if (op.value === null) size.delta -= 1;
      else leaves.push(op.value === leaf.value ? leaf : leafOf(op));
    } else if (op.value !== null) {
      leaves.push(leafOf(op));
      size.delta += 1;
    }
  }
  if (!placed) leaves.push(leaf);
  if (leaves.length === 1 && leaves[0] === leaf) return leaf;
  return buildLeaves(leaves, 0, leaves.length, depth);
}
