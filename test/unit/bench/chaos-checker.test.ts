import { describe, expect, it } from 'vitest';
import { checkHistory, type ChaosHistory, type CheckedBlock, type FaultRecord } from '../../../bench/chaos/checker.js';
import { commitsPerSecond, chaosChartSvg } from '../../../bench/chaos/report.js';

// A clean history: three members with the same five blocks, two transactions per block from
// two signers with consecutive nonces, every transaction reported committed by member1.
function cleanChain(): CheckedBlock[] {
  return Array.from({ length: 5 }, (_, k) => ({
    height: k + 1,
    hash: `h${k + 1}`.padEnd(64, '0'),
    txs: [
      { hash: `a${k}`.padEnd(64, '0'), signer: 'alice', nonce: k },
      { hash: `b${k}`.padEnd(64, '0'), signer: 'bob', nonce: k },
    ],
  }));
}

function fault(over: Partial<FaultRecord> = {}): FaultRecord {
  return { kind: 'kill-restart', targets: ['m2'], startMs: 10_000, healMs: 15_000, recoveryMs: 900, catchUp: [{ member: 'm2', ms: 2_000 }], ...over };
}

function clean(): ChaosHistory {
  const chain = cleanChain();
  return {
    checkHeight: 5,
    members: ['m1', 'm2', 'm3'].map((name) => ({ name, blocks: cleanChain() })),
    reportedCommitted: chain.flatMap((b) => b.txs.map((t) => ({ hash: t.hash, member: 'm1', height: b.height }))),
    faults: [fault()],
    rssMaxMb: [{ member: 'm1', mb: 200 }],
    sent: 10,
  };
}

function withMember(h: ChaosHistory, name: string, blocks: CheckedBlock[]): ChaosHistory {
  return { ...h, members: h.members.map((m) => (m.name === name ? { name, blocks } : m)) };
}

describe('chaos checker', () => {
  it('finds nothing wrong with a clean history', () => {
    expect(checkHistory(clean())).toEqual([]);
  });

  it('flags a fork at one height', () => {
    const blocks = cleanChain();
    blocks[2] = { ...(blocks[2] as CheckedBlock), hash: 'f'.repeat(64) };
    const v = checkHistory(withMember(clean(), 'm3', blocks));
    expect(v.map((x) => x.kind)).toEqual(['fork']);
    expect(v[0]?.detail).toContain('height 3');
  });

  it('flags a committed transaction missing on one member', () => {
    const blocks = cleanChain();
    blocks[1] = { ...(blocks[1] as CheckedBlock), txs: (blocks[1] as CheckedBlock).txs.slice(1) };
    const v = checkHistory(withMember(clean(), 'm2', blocks));
    expect(v.map((x) => x.kind)).toEqual(['lost']);
    expect(v[0]?.detail).toContain('missing on m2');
  });

  it('flags a committed transaction at another height than reported', () => {
    const h = clean();
    const moved = { ...h, reportedCommitted: h.reportedCommitted.map((r, i) => (i === 0 ? { ...r, height: 4 } : r)) };
    expect(checkHistory(moved).map((x) => x.kind)).toEqual(['lost', 'lost', 'lost']);
  });

  it('flags a nonce applied twice, and a transaction included twice', () => {
    const blocks = cleanChain();
    const b5 = blocks[4] as CheckedBlock;
    blocks[4] = { ...b5, txs: [...b5.txs, { hash: 'c'.repeat(64), signer: 'alice', nonce: 1 }, (blocks[0] as CheckedBlock).txs[0] as CheckedBlock['txs'][number]] };
    const kinds = checkHistory(withMember(clean(), 'm1', blocks)).map((x) => x.kind).sort();
    expect(kinds).toEqual(['duplicate', 'nonce-reused']);
  });

  it('flags a member that never recovers: missing blocks and no catch-up', () => {
    const h = withMember(clean(), 'm2', cleanChain().slice(0, 2));
    const stuck = { ...h, faults: [fault({ catchUp: [{ member: 'm2', ms: null }] })] };
    const kinds = checkHistory(stuck).map((x) => x.kind);
    expect(kinds).toContain('diverged-head');
    expect(kinds).toContain('slow-catch-up');
    expect(kinds).toContain('lost');
  });

  it('flags slow or absent recovery, progress without quorum, an unclean stop and memory growth', () => {
    const h = {
      ...clean(),
      faults: [fault({ recoveryMs: 12_000 }), fault({ recoveryMs: null }), fault({ kind: 'split', noQuorumCommits: 3, catchUp: [] }), fault({ kind: 'disk-full', stoppedCleanly: false }), fault({ catchUp: [{ member: 'm2', ms: 25_000 }] })],
      rssMaxMb: [{ member: 'm3', mb: 5_000 }],
    };
    expect(checkHistory(h).map((x) => x.kind)).toEqual(['slow-recovery', 'slow-recovery', 'progress-without-quorum', 'unclean-stop', 'slow-catch-up', 'memory']);
  });

  it('flags a run whose load did not get through', () => {
    expect(checkHistory({ ...clean(), sent: 100 }).map((x) => x.kind)).toEqual(['load-stalled']);
  });

  it('counts each transaction once per second of its first commit report, and charts fault windows', () => {
    const per = commitsPerSecond([{ hash: 'x', atMs: 100 }, { hash: 'x', atMs: 1_500 }, { hash: 'y', atMs: 1_900 }, { hash: 'z', atMs: 2_100 }], 3_000);
    expect(per).toEqual([1, 1, 1]);
    const svg = chaosChartSvg(per, [fault({ kind: 'pause' })], 'title');
    expect(svg).toContain('<svg');
    expect(svg).toContain('>pause</text>');
  });
});
