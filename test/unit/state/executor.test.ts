import { describe, expect, it } from 'vitest';
import { encodeGenesis } from '../../../src/codec/genesis.js';
import { pack } from '../../../src/codec/msgpack.js';
import { decodeTxEnvelope, encodeReceipt, encodeTxEnvelope } from '../../../src/codec/tx.js';
import { sha256, ZERO_HASH } from '../../../src/crypto/hash.js';
import { merkleRoot } from '../../../src/crypto/merkle.js';
import { StateTree } from '../../../src/crypto/smt.js';
import { signTx, txHash } from '../../../src/crypto/tx.js';
import { executeBlock, type ExecutedBlock } from '../../../src/state/executor.js';
import { buildGenesisState, genesisHash } from '../../../src/state/genesis-state.js';
import { getMembers } from '../../../src/state/queries.js';
import { toHex, utf8 } from '../../../src/util/bytes.js';
import { castLedger } from './contracts/fixtures.js';

function executed(r: ReturnType<typeof executeBlock>): ExecutedBlock {
  if (!r.valid) throw new Error(`invalid block: ${r.reason.code}`);
  return r;
}

describe('executeBlock', () => {
  it('an empty block changes nothing and has zero roots', () => {
    const l = castLedger();
    const r = executed(executeBlock({ state: l.state, height: 1, blockTimeMs: 1, chainId: l.chainId, txs: [] }));
    expect(r.state).toBe(l.state);
    expect(r.txRoot).toEqual(ZERO_HASH);
    expect(r.receiptsRoot).toEqual(ZERO_HASH);
    expect(r).toMatchObject({ receipts: [], stateWrites: [], indexWrites: [], events: [], membersChanged: null });
  });

  it('runs several transactions of one signer in nonce order; a failure in the middle only costs its nonce', () => {
    const l = castLedger();
    const before = l.state;
    const txs = [
      l.sign({ as: 'supplier', type: 'asset.register', payload: { id: 'A', kind: 'k', fingerprint: 'f', metadata: {} } }, 0),
      l.sign({ as: 'supplier', type: 'asset.register', payload: { id: 'A', kind: 'k', fingerprint: 'g', metadata: {} } }, 1),
      l.sign({ as: 'supplier', type: 'asset.transfer', payload: { id: 'A', to: l.id('buyer') } }, 2),
    ];
    const r = executed(l.block(txs));
    expect(r.receipts.map((x) => x.code)).toEqual([null, 'ASSET_EXISTS', null]);
    expect(r.receipts.map((x) => x.ok)).toEqual([true, false, true]);
    expect(l.asset('A')?.owner).toBe(l.id('buyer'));
    expect(l.account('supplier')?.nextNonce).toBe(3);
    // Roots are what the header commits to.
    expect(r.txHashes.map(toHex)).toEqual(txs.map((b) => toHex(txHash(decodeTxEnvelope(b)))));
    expect(r.txRoot).toEqual(merkleRoot(r.txHashes));
    expect(r.receiptsRoot).toEqual(merkleRoot(r.receipts.map(encodeReceipt)));
    // stateWrites reproduce the new root from the old version, which is itself untouched.
    expect(before.update(r.stateWrites).root).toEqual(r.stateRoot);
    expect(r.state.root).toEqual(r.stateRoot);
    expect(executeBlock({ state: before, height: 1, blockTimeMs: 1, chainId: l.chainId, txs }).valid).toBe(true);
    expect(r.events.map((e) => [e.txIndex, e.seq, e.action])).toEqual([[0, 0, 'registered'], [2, 1, 'transferred']]);
  });

  it('is deterministic: the same block on the same state gives identical results', () => {
    const l = castLedger();
    const txs = [
      l.sign({ as: 'supplier', type: 'invoice.issue', payload: { id: 'I', buyer: l.id('buyer'), amount: '7', currency: 'EUR', dueDate: '2027-01-01', fingerprint: 'f' } }, 0),
      l.sign({ as: 'buyer', type: 'invoice.accept', payload: { id: 'I' } }, 0),
    ];
    const run = () => executed(executeBlock({ state: l.state, height: 1, blockTimeMs: 5, chainId: l.chainId, txs, isVerified: () => false }));
    const a = run();
    const b = run();
    expect(toHex(a.stateRoot)).toBe(toHex(b.stateRoot));
    expect(a.receipts).toEqual(b.receipts);
    expect(a.stateWrites).toEqual(b.stateWrites);
    expect(a.indexWrites).toEqual(b.indexWrites);
    expect(a.events).toEqual(b.events);
  });

  describe('invalid blocks (the first offending transaction is named)', () => {
    it('undecodable bytes', () => {
      const l = castLedger();
      expect(l.block([pack(['not', 'a', 'tx'])])).toMatchObject({ valid: false, reason: { code: 'TX_UNDECODABLE', txIndex: 0 } });
    });

    it('another chain id', () => {
      const l = castLedger();
      const env = signTx(l.key('supplier'), { chainId: 'other', type: 'invoice.accept', nonce: 0, payload: { id: 'x' } });
      expect(l.block([encodeTxEnvelope(env)])).toMatchObject({ valid: false, reason: { code: 'TX_WRONG_CHAIN' } });
    });

    it('a bad signature; the verified cache is trusted and skips the check', () => {
      const l = castLedger();
      const env = decodeTxEnvelope(l.sign({ as: 'supplier', type: 'invoice.accept', payload: { id: 'x' } }));
      const forged = encodeTxEnvelope({ ...env, signature: env.signature.map((b, i) => (i === 0 ? b ^ 1 : b)) });
      expect(l.block([forged], { verifyAll: true })).toMatchObject({ valid: false, reason: { code: 'TX_BAD_SIGNATURE' } });
      const seen: string[] = [];
      const cached = executeBlock({
        state: l.state, height: 1, blockTimeMs: 1, chainId: l.chainId, txs: [forged],
        isVerified: (h, sig) => (seen.push(toHex(h) + ':' + toHex(sig)), true),
      });
      expect(cached.valid).toBe(true);
      expect(seen).toEqual([toHex(txHash(env)) + ':' + toHex(decodeTxEnvelope(forged).signature)]);
      const honest = l.sign({ as: 'supplier', type: 'invoice.accept', payload: { id: 'x' } });
      expect(l.block([honest], { verifyAll: true }).valid).toBe(true);
    });

    it('the same transaction twice', () => {
      const l = castLedger();
      const tx = l.sign({ as: 'supplier', type: 'invoice.accept', payload: { id: 'x' } });
      expect(l.block([tx, tx])).toMatchObject({ valid: false, reason: { code: 'TX_DUPLICATE', txIndex: 1 } });
    });

    it('an unknown signer', () => {
      const l = castLedger();
      expect(l.block([l.sign({ as: 'stranger', type: 'invoice.accept', payload: { id: 'x' } })])).toMatchObject({ valid: false, reason: { code: 'TX_UNKNOWN_SIGNER' } });
    });

    it('a replayed nonce and a nonce gap', () => {
      const l = castLedger();
      const first = l.sign({ as: 'supplier', type: 'invoice.accept', payload: { id: 'x' } });
      expect(l.block([first]).valid).toBe(true);
      const replay = l.sign({ as: 'supplier', type: 'invoice.accept', payload: { id: 'y' } }, 0);
      expect(l.block([replay])).toMatchObject({ valid: false, reason: { code: 'TX_BAD_NONCE' } });
      const gap = l.sign({ as: 'supplier', type: 'invoice.accept', payload: { id: 'y' } }, 2);
      expect(l.block([gap])).toMatchObject({ valid: false, reason: { code: 'TX_BAD_NONCE' } });
      const state = l.state;
      expect(l.block([l.sign({ as: 'supplier', type: 'invoice.accept', payload: { id: 'y' } }, 1), gap]).valid).toBe(true);
      expect(l.state).not.toBe(state);
    });
  });
});

describe('genesis state', () => {
  it('members become member accounts, the member list is stored, accounts keep their roles', () => {
    const l = castLedger(3);
    const { state, writes } = buildGenesisState(l.genesis);
    expect(toHex(state.root)).toBe(toHex(StateTree.fromEntries(writes).root));
    expect(getMembers(state).map((m) => m.name)).toEqual(['member0', 'member1', 'member2']);
    expect(l.account('member2')).toMatchObject({ role: 'member', nextNonce: 0 });
    expect(l.account('regulator')).toMatchObject({ role: 'regulator', name: 'regulator' });
    expect(state.get(utf8('members'))).toBeDefined();
    expect(genesisHash(l.genesis)).toEqual(sha256(encodeGenesis(l.genesis)));
  });

  it('refuses a genesis with a repeated key or a member hidden among the accounts', () => {
    const g = castLedger(2).genesis;
    const dup = { ...g, accounts: [...g.accounts, { name: 'again', publicKey: g.members[0]?.publicKey ?? new Uint8Array(32), role: 'auditor' as const }] };
    expect(() => buildGenesisState(dup)).toThrow(expect.objectContaining({ code: 'GENESIS_INVALID' }));
    const hidden = { ...g, accounts: [{ name: 'm9', publicKey: new Uint8Array(32).fill(9), role: 'member' as const }] };
    expect(() => buildGenesisState(hidden)).toThrow(expect.objectContaining({ code: 'GENESIS_INVALID' }));
  });
});
