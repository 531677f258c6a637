import { beforeAll, describe, expect, it } from 'vitest';
import { decodeConsensusMessage, encodeConsensusMessage } from '../../src/codec/consensus.js';
import { blockHash } from '../../src/consensus/core/block-tree.js';
import { EpochSchedule } from '../../src/consensus/sim/epoch-schedule.js';
import type { FakeReconfiguration } from '../../src/consensus/sim/fake-application.js';
import { InvariantMonitor } from '../../src/consensus/sim/invariants.js';
import type { MemberPlan } from '../../src/consensus/sim/member-changes.js';
import { cachedVerifier } from '../../src/consensus/sim/cached-verifier.js';
import { SIM_CHAIN_ID, simKey } from '../../src/consensus/sim/sim-cluster.js';
import type { BlockHeader, CommittedBlock } from '../../src/types/block.js';
import type { Transport } from '../../src/types/edges.js';
import { toHex } from '../../src/util/bytes.js';
import { HARNESS_EPOCH, RuntimeHarness, type HarnessNode } from '../unit/consensus/runtime-harness.js';

// The monitor must accept what a correct consortium commits across an epoch change and flag
// each way a chain can break the epoch rules. Real chains come from four runtimes switching
// epochs at height 3 with the end committed through a suffix; each test tampers one thing.

const SAME: FakeReconfiguration = { epoch: 0, atHeight: 3, members: HARNESS_EPOCH.members };
const PLAN: MemberPlan = { processes: 5, initial: [0, 1, 2, 3], changes: [{ epoch: 0, atHeight: 3, members: [0, 1, 2, 3], kind: 'reorder' }] };

let chains: CommittedBlock[][] = [];
let vote: Uint8Array = new Uint8Array(0);

// Loses every vote for the first block above the reconfiguration block, so the end of epoch 0
// is committed as an ancestor through a certificate on a suffix block.
function dropVotesAboveB(t: Transport): Transport {
  let doomed: string | null = null;
  const pass = (bytes: Uint8Array): boolean => {
    const m = decodeConsensusMessage(bytes);
    if (m.type === 'vote' && m.data.epoch === 1 && vote.length === 0) vote = bytes;
    if (m.type !== 'vote' || m.data.epoch !== 0 || m.data.height !== 4) return true;
    doomed ??= toHex(m.data.blockHash);
    return toHex(m.data.blockHash) !== doomed;
  };
  return {
    self: t.self, start: () => t.start(), stop: () => t.stop(), onMessage: (fn) => t.onMessage(fn), connectedPeers: () => t.connectedPeers(),
    send: (to, ch, bytes) => { if (ch !== 'consensus' || pass(bytes)) t.send(to, ch, bytes); },
    broadcast: (ch, bytes) => { if (ch !== 'consensus' || pass(bytes)) t.broadcast(ch, bytes); },
  };
}

function monitor(plan: MemberPlan = PLAN): InvariantMonitor {
  return new InvariantMonitor({ chainId: SIM_CHAIN_ID, epochs: new EpochSchedule(plan, (n) => simKey(n).publicKey), honest: () => true, now: () => 0, verifier: cachedVerifier() });
}

function messages(m: InvariantMonitor): string[] {
  m.finish();
  return m.violations.map((v) => v.message);
}

function withSuffix(c: CommittedBlock, suffix: readonly BlockHeader[]): CommittedBlock {
  return { ...c, suffix };
}

beforeAll(async () => {
  const h = new RuntimeHarness();
  for (let i = 0; i < 4; i++) await h.add(i, { reconfigurations: [SAME], wrapTransport: dropVotesAboveB });
  const ok = await h.runUntil(() => h.minHeight() >= 7, 20_000);
  if (!ok) throw new Error('the harness did not reach height 7');
  chains = [0, 1].map((i) => {
    const n = h.nodes.get(i) as HarnessNode;
    return [...Array(7).keys()].map((k) => n.chain.at(k + 1) as CommittedBlock);
  });
});

describe('InvariantMonitor across epochs', () => {
  it('accepts two members\' chains across the epoch change, including the suffix proof', () => {
    // docs/protocol.md R20: B's commit certificate is for a suffix block; the suffix headers link B to it
    expect(chains[0]![2]!.suffix?.length, 'the end of epoch 0 was committed through its suffix').toBeGreaterThan(0);
    const m = monitor();
    m.onCommit(0, chains[0]!);
    m.onCommit(1, chains[1]!);
    expect(messages(m)).toEqual([]);
  });

  it('flags a suffix header that does not hash-link, a missing suffix, and a suffix on another block', () => {
    // docs/protocol.md R20: an epoch's last block committed as an ancestor is provable only through its suffix
    const c = chains[0]!;
    const b3 = c[2] as CommittedBlock;
    const s = b3.suffix as readonly BlockHeader[];
    const broken = [{ ...(s[0] as BlockHeader), parentHash: (c[1] as CommittedBlock).hash }, ...s.slice(1)];
    for (const [bad, why] of [
      [withSuffix(b3, broken), /suffix header 0 does not hash-link/],
      [withSuffix(b3, []), /0 suffix headers for a certificate/],
      [withSuffix(b3, s.slice(0, -1).concat([{ ...(s[s.length - 1] as BlockHeader), timestampMs: 1 }])), /does not certify the top of the suffix|two different suffix/],
    ] as const) {
      const m = monitor();
      m.onCommit(0, [c[0]!, c[1]!, bad, ...c.slice(3)]);
      expect(messages(m), String(why)).toEqual([expect.stringMatching(why)]);
    }
    const m = monitor();
    m.onCommit(0, [withSuffix(c[0]!, s), ...c.slice(1)]);
    expect(messages(m)).toEqual([expect.stringMatching(/suffix headers but is not an epoch's last block/)]);
  });

  it('flags a committed block of the ended epoch\'s suffix', () => {
    // docs/protocol.md R20: blocks proposed above B in epoch e never enter the chain
    const c = chains[0]!;
    const s0 = (c[2]!.suffix as readonly BlockHeader[])[0] as BlockHeader;
    const suffixBlock: CommittedBlock = { block: { header: s0, txs: [] }, hash: blockHash(s0), commitQc: c[2]!.commitQc, certifiedHeight: c[2]!.certifiedHeight };
    const m = monitor();
    m.onCommit(0, [c[0]!, c[1]!, c[2]!, suffixBlock]);
    expect(messages(m)).toEqual([expect.stringMatching(/height 4: committed a block of ended epoch 0's suffix/)]);
  });

  it('judges certificates against the member set in force at each height', () => {
    // docs/protocol.md R1: every certificate is checked against the member list of the epoch it names
    const rotated: MemberPlan = { ...PLAN, changes: [{ epoch: 0, atHeight: 3, members: [1, 2, 3, 0], kind: 'reorder' }] };
    const m = monitor(rotated);
    m.onCommit(0, chains[0]!);
    const found = messages(m);
    expect(found.length, 'only epoch 1 blocks fail').toBe(4);
    expect(found.every((f) => /height [4-7]: commit certificate has no valid quorum of epoch 1's members/.test(f)), found.join('\n')).toBe(true);
    const later: MemberPlan = { ...PLAN, changes: [{ epoch: 0, atHeight: 5, members: [0, 1, 2, 3], kind: 'reorder' }] };
    const m2 = monitor(later);
    m2.onCommit(0, chains[0]!);
    const found2 = messages(m2);
    expect(found2).toContainEqual(expect.stringMatching(/height 3: carries 1 suffix headers but is not an epoch's last block/));
    expect(found2).toContainEqual(expect.stringMatching(/height 4: block names epoch 1, but epoch 0 is in force/));
  });

  it('flags a vote signed by an honest process in an epoch it is not a member of, and counts epochs voted in', () => {
    // docs/protocol.md R20: a node left out of the next epoch stops voting
    expect(vote.length, 'an epoch 1 vote was sent').toBeGreaterThan(0);
    const data = decodeConsensusMessage(vote);
    const m = monitor({ ...PLAN, changes: [{ epoch: 0, atHeight: 3, members: [0, 1, 2, 4], kind: 'replace' }] });
    m.onSend(4, vote);
    expect(m.votedSince(4, 1)).toBe(true);
    m.onSend(3, encodeConsensusMessage(data));
    expect(messages(m)).toEqual(['member 3 signed a vote in epoch 1 it is not a member of']);
  });
});
