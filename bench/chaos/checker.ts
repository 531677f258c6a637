// The checker of a chaos run: a pure function from what was observed (every member's final
// chain, every commit a member reported to the load, the fault windows with their recovery
// times, RSS samples) to the list of violations. Anything it returns fails the run.

/** One committed block as read back from a member. */
export interface CheckedBlock {
  readonly height: number;
  readonly hash: string;
  readonly txs: readonly { readonly hash: string; readonly signer: string; readonly nonce: number }[];
}

/** A fault the nemesis applied, with what the run observed after its heal. */
export interface FaultRecord {
  readonly kind: string;
  readonly targets: readonly string[];
  readonly startMs: number;
  readonly healMs: number;
  /** Heal to the first commit above the height at heal; null: none seen. */
  readonly recoveryMs: number | null;
  /** Per restarted member: restart to reaching the cluster's head at restart; null: never. */
  readonly catchUp: readonly { readonly member: string; readonly ms: number | null }[];
  /** Planned loss of quorum: commits seen between the fault's settle time and its heal. */
  readonly noQuorumCommits?: number;
  /** Faults that must stop a member (a full disk): did it exit, with a clear error? */
  readonly stoppedCleanly?: boolean;
}

export interface ChaosHistory {
  /** Every member must hold the chain up to here: the highest height seen once the load ended. */
  readonly checkHeight: number;
  readonly members: readonly { readonly name: string; readonly blocks: readonly CheckedBlock[] }[];
  /** Transactions a member reported committed to the load (SSE), with the height it gave. */
  readonly reportedCommitted: readonly { readonly hash: string; readonly member: string; readonly height: number }[];
  readonly faults: readonly FaultRecord[];
  readonly rssMaxMb: readonly { readonly member: string; readonly mb: number }[];
  /** Transactions the load signed and sent (each once, however often it resent them). */
  readonly sent: number;
}

export interface CheckBounds {
  readonly recoveryMs: number;
  readonly catchUpMs: number;
  readonly rssMb: number;
  /** Share of the sent transactions that must be reported committed by the end (resends included). */
  readonly minCommittedShare: number;
}

export const DEFAULT_BOUNDS: CheckBounds = { recoveryMs: 10_000, catchUpMs: 20_000, rssMb: 1_536, minCommittedShare: 0.9 };

export interface Violation {
  readonly kind: 'load-stalled' | 'fork' | 'lost' | 'duplicate' | 'nonce-reused' | 'diverged-head' | 'slow-recovery' | 'slow-catch-up' | 'memory' | 'progress-without-quorum' | 'unclean-stop';
  readonly detail: string;
}

export function checkHistory(h: ChaosHistory, bounds: CheckBounds = DEFAULT_BOUNDS): Violation[] {
  const out: Violation[] = [];
  const byHeight = new Map<number, { hash: string; member: string }>();
  for (const m of h.members) {
    for (const b of m.blocks) {
      const seen = byHeight.get(b.height);
      if (seen === undefined) byHeight.set(b.height, { hash: b.hash, member: m.name });
      else if (seen.hash !== b.hash) out.push({ kind: 'fork', detail: `height ${b.height}: ${seen.member} has ${seen.hash.slice(0, 16)}, ${m.name} has ${b.hash.slice(0, 16)}` });
    }
  }
  for (const m of h.members) {
    const held = new Set(m.blocks.map((b) => b.height));
    let missing = 0;
    for (let height = 1; height <= h.checkHeight; height++) if (!held.has(height)) missing++;
    if (missing > 0) out.push({ kind: 'diverged-head', detail: `${m.name} lacks ${missing} of the ${h.checkHeight} blocks the others committed` });
  }

  // Each member's chain on its own: no transaction twice, no (signer, nonce) twice.
  const where = new Map<string, Map<string, number>>();
  for (const m of h.members) {
    const txAt = new Map<string, number>();
    const nonceAt = new Map<string, string>();
    for (const b of m.blocks) {
      for (const t of b.txs) {
        const prev = txAt.get(t.hash);
        if (prev !== undefined) out.push({ kind: 'duplicate', detail: `${m.name}: tx ${t.hash.slice(0, 16)} at heights ${prev} and ${b.height}` });
        else txAt.set(t.hash, b.height);
        const key = `${t.signer}/${t.nonce}`;
        const other = nonceAt.get(key);
        if (other !== undefined && other !== t.hash) out.push({ kind: 'nonce-reused', detail: `${m.name}: signer ${t.signer.slice(0, 12)} nonce ${t.nonce} applied by ${other.slice(0, 16)} and ${t.hash.slice(0, 16)}` });
        else nonceAt.set(key, t.hash);
      }
    }
    where.set(m.name, txAt);
  }

  // Every commit a member reported is in every member's chain, at the reported height.
  const reported = new Map<string, { member: string; height: number }>();
  for (const r of h.reportedCommitted) if (!reported.has(r.hash)) reported.set(r.hash, r);
  for (const [hash, r] of reported) {
    for (const m of h.members) {
      const at = where.get(m.name)?.get(hash);
      if (at === undefined) out.push({ kind: 'lost', detail: `tx ${hash.slice(0, 16)} reported committed by ${r.member} at ${r.height} is missing on ${m.name}` });
      else if (at !== r.height) out.push({ kind: 'lost', detail: `tx ${hash.slice(0, 16)} reported at height ${r.height} by ${r.member} is at ${at} on ${m.name}` });
    }
  }

  for (const f of h.faults) {
    const label = `${f.kind}(${f.targets.join(',')}) at ${(f.startMs / 1000).toFixed(1)} s`;
    if (f.recoveryMs === null) out.push({ kind: 'slow-recovery', detail: `${label}: no commit after the heal` });
    else if (f.recoveryMs > bounds.recoveryMs) out.push({ kind: 'slow-recovery', detail: `${label}: first commit ${f.recoveryMs} ms after the heal (bound ${bounds.recoveryMs})` });
    for (const c of f.catchUp) {
      if (c.ms === null) out.push({ kind: 'slow-catch-up', detail: `${label}: ${c.member} never reached the head` });
      else if (c.ms > bounds.catchUpMs) out.push({ kind: 'slow-catch-up', detail: `${label}: ${c.member} reached the head ${c.ms} ms after restart (bound ${bounds.catchUpMs})` });
    }
    if (f.noQuorumCommits !== undefined && f.noQuorumCommits > 0) out.push({ kind: 'progress-without-quorum', detail: `${label}: ${f.noQuorumCommits} blocks committed with no quorum on either side` });
    if (f.stoppedCleanly === false) out.push({ kind: 'unclean-stop', detail: `${label}: the member did not stop with a clear error` });
  }
  // A run whose load never got through proves nothing about lost commits.
  const committed = new Set(h.reportedCommitted.map((r) => r.hash)).size;
  if (committed < h.sent * bounds.minCommittedShare) out.push({ kind: 'load-stalled', detail: `${committed} of ${h.sent} sent transactions were committed (bound ${Math.round(bounds.minCommittedShare * 100)}%)` });
  for (const r of h.rssMaxMb) if (r.mb > bounds.rssMb) out.push({ kind: 'memory', detail: `${r.member}: RSS reached ${Math.round(r.mb)} MiB (bound ${bounds.rssMb})` });
  return out;
}
