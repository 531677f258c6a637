import { describe, expect, it } from 'vitest';
import { faultBound } from '../../src/consensus/core/certificates.js';
import { tolerable, type MemberChangeKind } from '../../src/consensus/sim/member-changes.js';
import { generateScenario } from '../../src/consensus/sim/scenario.js';

describe('member-change plans', () => {
  it('keeps f <= floor((n-1)/3) and n >= 4 with Byzantine members in every epoch, at increasing heights', () => {
    // docs/protocol.md R1: every epoch's quorums must intersect in an honest member
    const kinds = new Set<MemberChangeKind>();
    let middleRemovals = 0;
    let addsInMiddle = 0;
    for (const [nodes, byzantine] of [[4, 1], [7, 2], [10, 3], [4, 0], [1, 0]] as const) {
      for (let seed = 1; seed <= 300; seed++) {
        const sc = generateScenario(seed, nodes, byzantine, { reconfigure: true });
        const p = sc.members;
        const byz = (n: number): boolean => sc.behaviours.has(n);
        expect(p.initial, `seed ${seed}`).toEqual([...Array(nodes).keys()]);
        expect(p.processes - nodes, 'one or two spare processes').toBeGreaterThanOrEqual(1);
        expect(p.changes.length).toBeGreaterThanOrEqual(1);
        let prev = p.initial;
        let lastHeight = 0;
        p.changes.forEach((c, e) => {
          const where = `${nodes}/${byzantine} seed ${seed} epoch ${e + 1}`;
          expect(c.epoch, where).toBe(e);
          expect(c.atHeight, where).toBeGreaterThan(lastHeight);
          expect(new Set(c.members).size, `${where}: no duplicate member`).toBe(c.members.length);
          expect(c.members.every((n) => n >= 0 && n < p.processes), where).toBe(true);
          const b = c.members.filter(byz).length;
          expect(b, where).toBeLessThanOrEqual(faultBound(c.members.length));
          if (b > 0) expect(c.members.length, where).toBeGreaterThanOrEqual(4);
          expect(tolerable(c.members, byz, Math.min(3, nodes)), where).toBe(true);
          kinds.add(c.kind);
          const gone = prev.filter((n) => !c.members.includes(n));
          if (gone.length > 0 && prev.indexOf(gone[0] as number) < prev.length - 1) middleRemovals++;
          const added = c.members.filter((n) => !prev.includes(n));
          if (added.length > 0 && c.members.indexOf(added[0] as number) < c.members.length - 1) addsInMiddle++;
          lastHeight = c.atHeight;
          prev = c.members;
        });
      }
    }
    expect([...kinds].sort()).toEqual(['add', 'remove', 'reorder', 'replace']);
    expect(middleRemovals, 'members leave from the middle of the list too (indices shift)').toBeGreaterThan(100);
    expect(addsInMiddle, 'members join in the middle of the list too').toBeGreaterThan(100);
  });

  it('gives seed S with member changes exactly the faults of seed S without them', () => {
    // docs/protocol.md R22: old seeds keep their schedules; member changes come from a separate stream
    for (let seed = 1; seed <= 200; seed++) {
      const plain = generateScenario(seed, 4, 1);
      const re = generateScenario(seed, 4, 1, { reconfigure: true });
      expect(plain.members.changes).toEqual([]);
      const memberSkews = new Map([...(re.clockSkewMs ?? [])].filter(([n]) => n < 4));
      expect({ ...re, members: plain.members, crashes: re.crashes.filter((c) => c.member < 4), clockSkewMs: memberSkews }, `seed ${seed}`).toEqual(plain);
      expect(re.crashes.slice(0, plain.crashes.length)).toEqual(plain.crashes);
      expect(generateScenario(seed, 4, 1, { reconfigure: true }), 'deterministic').toEqual(re);
    }
  });
});
