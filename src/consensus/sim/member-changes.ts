import type { Height } from '../../types/primitives.js';
import { faultBound } from '../core/certificates.js';
import type { SeededRng } from './rng.js';
import type { NodeId } from './sim-network.js';

/**
 * One planned member-set change (docs/protocol.md R20): in epoch `epoch`, the block at height
 * `atHeight` is the reconfiguration block, and epoch `epoch + 1` has `members` (node ids, in
 * member-index order) from `atHeight + 1` on.
 */
export interface MemberChange {
  readonly epoch: number;
  readonly atHeight: Height;
  readonly members: readonly NodeId[];
  /** What the change does, for failure reports: add, remove, replace or reorder. */
  readonly kind: MemberChangeKind;
}

/** The shapes of change a plan draws from. */
export type MemberChangeKind = 'add' | 'remove' | 'replace' | 'reorder';

/** Who runs and who is a member when: the member-set side of a scenario. */
export interface MemberPlan {
  /** Simulated processes, node ids 0 .. processes-1 (members of epoch 0 plus spare ones). */
  readonly processes: number;
  /** Members of epoch 0, node ids by member index. */
  readonly initial: readonly NodeId[];
  /** One change per epoch, in epoch order, at increasing heights. */
  readonly changes: readonly MemberChange[];
}

/** The plan of a scenario without member changes: processes 0..n-1, one epoch. */
export function fixedMembers(nodes: number): MemberPlan {
  return { processes: nodes, initial: [...Array(nodes).keys()], changes: [] };
}

/**
 * True when a member list may be in force: at most floor((n-1)/3) of its members are
 * Byzantine, at least 4 members whenever one is (so quorums still intersect in an honest
 * member), and never fewer members than `minMembers`.
 */
export function tolerable(members: readonly NodeId[], byzantine: (n: NodeId) => boolean, minMembers: number): boolean {
  const b = members.filter(byzantine).length;
  return members.length >= minMembers && b <= faultBound(members.length) && (b === 0 || members.length >= 4);
}

/**
 * Draws 1-3 member changes for `nodes` initial members and 1-2 spare processes (node ids
 * `nodes`, `nodes + 1`) that start as non-members: spares and removed members can be added
 * (at the end or in the middle of the list, so indices shift), any member can be removed
 * (from the middle too), replaced, or the list reordered. Every epoch stays tolerable().
 * Reconfiguration heights are small (the first at 1-6, then 1-5 apart) so that some changes
 * happen under the faults before GST and the rest right after it; a gap of 1 makes the first
 * block of an epoch its reconfiguration block.
 */
export function planMemberChanges(rng: SeededRng, nodes: number, byzantine: (n: NodeId) => boolean): MemberPlan {
  const processes = nodes + rng.range(1, 2);
  const initial = [...Array(nodes).keys()];
  const minMembers = Math.min(3, nodes);
  const changes: MemberChange[] = [];
  let members: NodeId[] = initial;
  let atHeight = rng.range(1, 6);
  const count = rng.range(1, 3);
  for (let epoch = 0; epoch < count; epoch++) {
    const next = drawChange(rng, members, processes, (m) => tolerable(m, byzantine, minMembers));
    changes.push({ epoch, atHeight, members: next.members, kind: next.kind });
    members = [...next.members];
    atHeight += rng.range(1, 5);
  }
  return { processes, initial, changes };
}

// Tries the drawn kind first, then the others, so every draw yields a tolerable list (a
// reorder always does).
function drawChange(
  rng: SeededRng, members: readonly NodeId[], processes: number, ok: (m: readonly NodeId[]) => boolean,
): { kind: MemberChangeKind; members: NodeId[] } {
  const kinds: MemberChangeKind[] = ['add', 'remove', 'replace', 'reorder'];
  const first = rng.range(0, kinds.length - 1);
  for (let k = 0; k < kinds.length; k++) {
    const kind = kinds[(first + k) % kinds.length] as MemberChangeKind;
    const out = apply(rng, kind, members, processes);
    if (out !== null && ok(out)) return { kind, members: out };
  }
  return { kind: 'reorder', members: reorder(rng, members) };
}

function apply(rng: SeededRng, kind: MemberChangeKind, members: readonly NodeId[], processes: number): NodeId[] | null {
  const outside = [...Array(processes).keys()].filter((n) => !members.includes(n));
  switch (kind) {
    case 'add':
      return outside.length === 0 ? null : insert(rng, members, rng.pick(outside));
    case 'remove':
      return members.length <= 1 ? null : removeAt(members, rng.range(0, members.length - 1));
    case 'replace':
      return outside.length === 0 ? null : insert(rng, removeAt(members, rng.range(0, members.length - 1)), rng.pick(outside));
    case 'reorder':
      return reorder(rng, members);
  }
}

// At the end half of the time (as governance appends), else at a random index: every member
// after it moves up one index.
function insert(rng: SeededRng, members: readonly NodeId[], node: NodeId): NodeId[] {
  const at = rng.chance(0.5) ? members.length : rng.range(0, members.length);
  return [...members.slice(0, at), node, ...members.slice(at)];
}

function removeAt(members: readonly NodeId[], at: number): NodeId[] {
  return [...members.slice(0, at), ...members.slice(at + 1)];
}

// Same members, rotated by at least one: every index changes, the leader schedule too.
function reorder(rng: SeededRng, members: readonly NodeId[]): NodeId[] {
  if (members.length < 2) return [...members];
  const by = rng.range(1, members.length - 1);
  return [...members.slice(by), ...members.slice(0, by)];
}

/** One line describing a plan, for failure reports: `0@h3:add[0,1,2,3,4] ...`. */
export function describeMemberPlan(p: MemberPlan): string {
  return p.changes.map((c) => `${c.epoch}@h${c.atHeight}:${c.kind}[${c.members.join(',')}]`).join(' ');
}
