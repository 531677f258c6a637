import { describe, expect, it } from 'vitest';
import { EpochSchedule } from '../../src/consensus/sim/epoch-schedule.js';
import { InvariantMonitor } from '../../src/consensus/sim/invariants.js';
import { fixedMembers } from '../../src/consensus/sim/member-changes.js';
import { cachedVerifier } from '../../src/consensus/sim/cached-verifier.js';
import { SIM_CHAIN_ID, simKey } from '../../src/consensus/sim/sim-cluster.js';
import { runSimulation } from '../../src/consensus/sim/simulation.js';
import { sha256 } from '../../src/crypto/hash.js';
import type { Block, BlockHeader } from '../../src/types/block.js';
import { utf8 } from '../../src/util/bytes.js';

// The simulator runs the production chain: each honest node's own execution of a committed
// block must give the state root and receipts its header claims, the same on every honest node.

const root = (s: string): Uint8Array => sha256(utf8(s));

function block(height: number, stateRoot: Uint8Array, receiptsRoot: Uint8Array, txs: number): Block {
  const header = { height, stateRoot, receiptsRoot } as unknown as BlockHeader;
  return { header, txs: Array.from({ length: txs }, (_, i) => Uint8Array.of(i)) };
}

function monitor(): InvariantMonitor {
  return new InvariantMonitor({
    chainId: SIM_CHAIN_ID, epochs: new EpochSchedule(fixedMembers(4), (n) => simKey(n).publicKey), honest: (n) => n !== 3, now: () => 0, verifier: cachedVerifier(),
  });
}

describe('state-root and receipt invariant', () => {
  it('accepts honest nodes whose execution matches the header and each other', () => {
    // docs/protocol.md R12: committed blocks are executed identically by every honest node
    const m = monitor();
    const b = block(1, root('s1'), root('r1'), 2);
    for (const n of [0, 1, 2]) m.onExecuted(n, b, { stateRoot: root('s1'), receiptsRoot: root('r1'), receipts: 2 });
    expect(m.violations).toEqual([]);
    expect(m.committedTxs).toBe(6);
  });

  it('flags an execution whose state root, receipts root or receipt count differ from the header', () => {
    // docs/protocol.md R12: the header's roots are what execution produced
    const m = monitor();
    const b = block(1, root('s1'), root('r1'), 2);
    m.onExecuted(0, b, { stateRoot: root('other'), receiptsRoot: root('r1'), receipts: 2 });
    m.onExecuted(1, b, { stateRoot: root('s1'), receiptsRoot: root('other'), receipts: 2 });
    m.onExecuted(2, b, { stateRoot: root('s1'), receiptsRoot: root('r1'), receipts: 1 });
    const found = m.violations.map((v) => v.message).join('\n');
    expect(found).toMatch(/member 0 height 1: executed state root .* differs from the header's/);
    expect(found).toMatch(/member 1 height 1: executed receipts root differs/);
    expect(found).toMatch(/member 2 height 1: 1 receipts for 2 transactions/);
  });

  it('flags two honest nodes whose results differ at one height, and ignores Byzantine ones', () => {
    // docs/protocol.md R12: identical state root and receipts per height on honest nodes
    const m = monitor();
    m.onExecuted(0, block(2, root('a'), root('r'), 0), { stateRoot: root('a'), receiptsRoot: root('r'), receipts: 0 });
    m.onExecuted(3, block(2, root('b'), root('r'), 0), { stateRoot: root('c'), receiptsRoot: root('r'), receipts: 0 });
    expect(m.violations).toEqual([]);
    m.onExecuted(1, block(2, root('b'), root('r'), 0), { stateRoot: root('b'), receiptsRoot: root('r'), receipts: 0 });
    expect(m.violations.map((v) => v.message)).toEqual(['member 1 height 2: state root or receipts differ from another honest member\'s at this height']);
  });

  it('runs seeds on the production chain with signed transactions committed', async () => {
    // docs/protocol.md R12: a seed's honest nodes commit real transactions and agree on their results
    const r = await runSimulation({ nodes: 4, byzantine: 1, seed: 5 });
    expect(r.violations).toEqual([]);
    expect(r.committedTxs).toBeGreaterThan(0);
  }, 60_000);
});
