import { describe, it } from 'vitest';
import type { TxErrorCode } from '../../../../src/state/types.js';
import { expectNoop, type TestLedger, type TestTx } from '../../../helpers/test-ledger.js';
import { accepted, asset, castLedger, financed, issue, SMALL_ORDER_KEY, split } from './fixtures.js';

// Every business rejection code of every contract, each triggered at least once through the
// real executor and checked with expectNoop (code + state root unchanged bar the nonce). The
// Record type makes this table exhaustive: adding a code without a scenario fails typecheck.

interface Scenario {
  readonly name: string;
  readonly members?: number;
  /** Builds the situation and returns the transaction that must be rejected. */
  readonly setup: (l: TestLedger) => TestTx;
}

const fin = (l: TestLedger, as: string, id: string, financier = 'financier', advance = '100'): TestTx => ({
  as, type: 'invoice.finance', payload: { id, financier: l.id(financier), advance },
});
const transfer = (l: TestLedger, as: string, id: string, to: string): TestTx => ({ as, type: 'invoice.transfer', payload: { id, to: l.id(to) } });
const vote = (as: string, proposalId: string, approve = true): TestTx => ({ as, type: 'member.vote', payload: { proposalId, approve } });
const setRole = (l: TestLedger, who: string, role: string): TestTx => ({ as: 'member0', type: 'account.setrole', payload: { account: l.id(who), role } });
const proposeAdd = (l: TestLedger, as: string, who: string): TestTx => ({
  as, type: 'member.propose', payload: { action: 'add', member: { name: who, publicKey: l.id(who), address: '/ip4/127.0.0.1/tcp/9100' } },
});

const SCENARIOS: Record<TxErrorCode, readonly Scenario[]> = {
  UNKNOWN_TX_TYPE: [{ name: 'a type no contract handles', setup: () => ({ as: 'supplier', type: 'invoice.steal', payload: { id: 'x' } }) }],
  ROLE_NOT_ALLOWED: [
    { name: 'a regulator issuing an invoice', setup: (l) => ({ ...fin(l, 'regulator', 'x'), type: 'invoice.issue' }) },
    { name: 'an auditor submitting anything', setup: () => ({ as: 'auditor', type: 'asset.register', payload: {} }) },
    { name: 'an integrator freezing an asset', setup: (l) => (asset(l), { as: 'supplier', type: 'asset.freeze', payload: { id: 'A-1', reason: 'x' } }) },
    { name: 'an integrator registering an account', setup: (l) => ({ as: 'supplier', type: 'account.register', payload: { publicKey: l.id('x'), role: 'integrator', name: 'x' } }) },
  ],
  PAYLOAD_INVALID: [
    { name: 'a float-free but negative amount', setup: (l) => ({ as: 'supplier', type: 'invoice.pay', payload: { id: 'INV-1', amount: -5 } }) },
    { name: 'an amount above 2^63-1', setup: (l) => ({ as: 'supplier', type: 'invoice.pay', payload: { id: 'INV-1', amount: '9223372036854775808' } }) },
    { name: 'an id with a slash', setup: (l) => ({ as: 'supplier', type: 'invoice.accept', payload: { id: 'a/b' } }) },
    { name: 'an unknown field', setup: (l) => ({ as: 'supplier', type: 'invoice.accept', payload: { id: 'a', extra: 1 } }) },
    { name: 'a split part reusing the parent id', setup: (l) => ({ as: 'supplier', type: 'invoice.split', payload: { id: 'P', parts: [{ id: 'P', to: l.id('buyer'), amount: '1' }, { id: 'Q', to: l.id('buyer'), amount: '1' }] } }) },
    { name: 'a non-calendar due date', setup: (l) => ({ as: 'supplier', type: 'invoice.issue', payload: { id: 'I', buyer: l.id('buyer'), amount: '1', currency: 'EUR', dueDate: '2027-02-30', fingerprint: 'f' } }) },
  ],
  PARTY_NOT_FOUND: [
    { name: 'issuing to an unknown buyer', setup: (l) => ({ as: 'supplier', type: 'invoice.issue', payload: { id: 'I', buyer: l.id('nobody'), amount: '1', currency: 'EUR', dueDate: '2027-01-01', fingerprint: 'f' } }) },
    { name: 'setting the role of an unknown account', setup: (l) => setRole(l, 'nobody', 'auditor') },
  ],
  PARTY_ROLE_NOT_ALLOWED: [
    { name: 'transferring an invoice to an auditor', setup: (l) => (accepted(l), transfer(l, 'supplier', 'INV-1', 'auditor')) },
    { name: 'pledging an asset to a regulator', setup: (l) => (asset(l), { as: 'supplier', type: 'asset.pledge', payload: { id: 'A-1', to: l.id('regulator') } }) },
  ],
  KEY_INVALID: [{ name: 'registering a small-order key', setup: () => ({ as: 'member0', type: 'account.register', payload: { publicKey: SMALL_ORDER_KEY, role: 'integrator', name: 'x' } }) }],
  KEY_TAKEN: [
    { name: 'registering an existing key', setup: (l) => ({ as: 'member0', type: 'account.register', payload: { publicKey: l.id('buyer'), role: 'integrator', name: 'x' } }) },
    {
      name: 'registering a retired key', setup: (l) => {
        l.ok({ as: 'buyer', type: 'account.rotate', payload: { newPublicKey: l.id('buyer-new') } });
        return { as: 'member0', type: 'account.register', payload: { publicKey: l.id('buyer'), role: 'integrator', name: 'x' } };
      },
    },
    { name: 'rotating to another account\'s key', setup: (l) => ({ as: 'buyer', type: 'account.rotate', payload: { newPublicKey: l.id('supplier') } }) },
  ],
  ROLE_NOT_REGISTRABLE: [
    { name: 'registering a member', setup: (l) => ({ as: 'member0', type: 'account.register', payload: { publicKey: l.id('x'), role: 'member', name: 'x' } }) },
    { name: 'promoting an integrator to member outside governance', setup: (l) => setRole(l, 'supplier', 'member') },
  ],
  ACCOUNT_IS_MEMBER: [
    { name: 'a member rotating its validator key', setup: (l) => ({ as: 'member0', type: 'account.rotate', payload: { newPublicKey: l.id('x') } }) },
    { name: 'demoting a member outside governance', members: 2, setup: (l) => setRole(l, 'member1', 'auditor') },
  ],
  ROLE_UNCHANGED: [{ name: 'giving an auditor the auditor role', setup: (l) => setRole(l, 'auditor', 'auditor') }],
  MEMBER_EXISTS: [{ name: 'proposing an existing member', members: 2, setup: (l) => proposeAdd(l, 'member0', 'member1') }],
  MEMBER_NOT_FOUND: [{ name: 'removing a non-member', members: 2, setup: (l) => ({ ...proposeAdd(l, 'member0', 'supplier'), payload: { action: 'remove', member: { name: 's', publicKey: l.id('supplier'), address: '/ip4/1.2.3.4/tcp/1' } } }) }],
  MEMBER_LAST: [{ name: 'removing the last member', setup: (l) => ({ ...proposeAdd(l, 'member0', 'member0'), payload: { action: 'remove', member: { name: 'm', publicKey: l.id('member0'), address: '/ip4/1.2.3.4/tcp/1' } } }) }],
  PROPOSAL_NOT_FOUND: [{ name: 'voting on an unknown proposal', setup: () => vote('member0', 'ab'.repeat(32)) }],
  PROPOSAL_CLOSED: [{
    name: 'voting on a decided proposal', members: 4, setup: (l) => {
      const id = l.ok(proposeAdd(l, 'member0', 'newbie')).block.events[0]?.id ?? '';
      l.ok(vote('member1', id, false));
      l.ok(vote('member2', id, false));
      return vote('member3', id);
    },
  }],
  PROPOSAL_ALREADY_VOTED: [{
    name: 'the proposer voting again', members: 4, setup: (l) => {
      const id = l.ok(proposeAdd(l, 'member0', 'newbie')).block.events[0]?.id ?? '';
      return vote('member0', id);
    },
  }],
  INVOICE_NOT_FOUND: [{ name: 'accepting an unknown invoice', setup: () => ({ as: 'buyer', type: 'invoice.accept', payload: { id: 'nope' } }) }],
  INVOICE_EXISTS: [
    { name: 'issuing an id twice', setup: (l) => (issue(l), { as: 'supplier2', type: 'invoice.issue', payload: { id: 'INV-1', buyer: l.id('buyer'), amount: '5', currency: 'EUR', dueDate: '2027-01-01', fingerprint: 'other' } }) },
    { name: 'a split part reusing an invoice id', setup: (l) => (accepted(l), issue(l, 'INV-2'), { as: 'supplier', type: 'invoice.split', payload: { id: 'INV-1', parts: [{ id: 'INV-2', to: l.id('supplier'), amount: '500' }, { id: 'new', to: l.id('supplier'), amount: '500' }] } }) },
  ],
  FINGERPRINT_TAKEN: [
    { name: 'another seller registering the same real invoice', setup: (l) => (issue(l), { as: 'supplier2', type: 'invoice.issue', payload: { id: 'INV-9', buyer: l.id('buyer'), amount: '5', currency: 'EUR', dueDate: '2027-01-01', fingerprint: 'fp-INV-1' } }) },
    { name: 'reusing the fingerprint of a cancelled invoice', setup: (l) => (issue(l), l.ok({ as: 'supplier', type: 'invoice.cancel', payload: { id: 'INV-1' } }), { as: 'supplier', type: 'invoice.issue', payload: { id: 'INV-2', buyer: l.id('buyer'), amount: '5', currency: 'EUR', dueDate: '2027-01-01', fingerprint: 'fp-INV-1' } }) },
    { name: 'registering the same document as an asset twice', setup: (l) => (asset(l), { as: 'supplier2', type: 'asset.register', payload: { id: 'A-2', kind: 'k', fingerprint: 'doc-A-1', metadata: {} } }) },
  ],
  BUYER_IS_SELLER: [{ name: 'self-billing', setup: (l) => ({ as: 'supplier', type: 'invoice.issue', payload: { id: 'I', buyer: l.id('supplier'), amount: '1', currency: 'EUR', dueDate: '2027-01-01', fingerprint: 'f' } }) }],
  INVOICE_FROZEN: [
    { name: 'transferring a frozen invoice', setup: (l) => (accepted(l), l.ok({ as: 'regulator', type: 'invoice.freeze', payload: { id: 'INV-1' } }), transfer(l, 'supplier', 'INV-1', 'supplier2')) },
    { name: 'freezing twice', setup: (l) => (issue(l), l.ok({ as: 'regulator', type: 'invoice.freeze', payload: { id: 'INV-1', reason: 'r' } }), { as: 'regulator', type: 'invoice.freeze', payload: { id: 'INV-1' } }) },
  ],
  INVOICE_NOT_FROZEN: [{ name: 'unfreezing a free invoice', setup: (l) => (issue(l), { as: 'regulator', type: 'invoice.unfreeze', payload: { id: 'INV-1' } }) }],
  INVOICE_NOT_BUYER: [
    { name: 'the seller accepting its own invoice', setup: (l) => (issue(l), { as: 'supplier', type: 'invoice.accept', payload: { id: 'INV-1' } }) },
    { name: 'a financier paying', setup: (l) => (accepted(l), { as: 'financier', type: 'invoice.pay', payload: { id: 'INV-1', amount: '1' } }) },
  ],
  INVOICE_NOT_HOLDER: [
    { name: 'the buyer transferring', setup: (l) => (accepted(l), transfer(l, 'buyer', 'INV-1', 'supplier2')) },
    { name: 'the former holder financing after a transfer', setup: (l) => (accepted(l), l.ok(transfer(l, 'supplier', 'INV-1', 'supplier2')), fin(l, 'supplier', 'INV-1')) },
  ],
  INVOICE_NOT_SELLER: [{ name: 'the buyer cancelling', setup: (l) => (issue(l), { as: 'buyer', type: 'invoice.cancel', payload: { id: 'INV-1' } }) }],
  INVOICE_NOT_FINANCIER: [{ name: 'another financier repaying', setup: (l) => (financed(l), { as: 'financier2', type: 'invoice.repay', payload: { id: 'INV-1' } }) }],
  INVOICE_NOT_ISSUED: [
    { name: 'accepting twice', setup: (l) => (accepted(l), { as: 'buyer', type: 'invoice.accept', payload: { id: 'INV-1' } }) },
    { name: 'cancelling an accepted invoice', setup: (l) => (accepted(l), { as: 'supplier', type: 'invoice.cancel', payload: { id: 'INV-1' } }) },
  ],
  INVOICE_NOT_ACCEPTED: [
    { name: 'financing before acceptance', setup: (l) => (issue(l), fin(l, 'supplier', 'INV-1')) },
    { name: 'transferring before acceptance', setup: (l) => (issue(l), transfer(l, 'supplier', 'INV-1', 'supplier2')) },
    { name: 'paying before acceptance', setup: (l) => (issue(l), { as: 'buyer', type: 'invoice.pay', payload: { id: 'INV-1', amount: '1' } }) },
  ],
  INVOICE_FINANCED: [
    { name: 'transferring while financed', setup: (l) => (financed(l), transfer(l, 'supplier', 'INV-1', 'supplier2')) },
    { name: 'splitting while financed', setup: (l) => (financed(l), { as: 'supplier', type: 'invoice.split', payload: { id: 'INV-1', parts: [{ id: 'a', to: l.id('supplier'), amount: '500' }, { id: 'b', to: l.id('supplier'), amount: '500' }] } }) },
  ],
  INVOICE_ALREADY_FINANCED: [
    { name: 'financing twice', setup: (l) => (financed(l), fin(l, 'supplier', 'INV-1', 'financier2')) },
    { name: 'financing again after repay', setup: (l) => (financed(l), l.ok({ as: 'financier', type: 'invoice.repay', payload: { id: 'INV-1' } }), fin(l, 'supplier', 'INV-1', 'financier2')) },
    {
      name: 'financing a part of a financed-then-repaid invoice', setup: (l) => {
        financed(l);
        l.ok({ as: 'financier', type: 'invoice.repay', payload: { id: 'INV-1' } });
        l.ok({ as: 'supplier', type: 'invoice.split', payload: { id: 'INV-1', parts: [{ id: 'p1', to: l.id('supplier2'), amount: '300' }, { id: 'p2', to: l.id('supplier'), amount: '700' }] } });
        return fin(l, 'supplier2', 'p1', 'financier2');
      },
    },
  ],
  INVOICE_NOT_FINANCED: [{ name: 'repaying an unfinanced invoice', setup: (l) => (accepted(l), { as: 'financier', type: 'invoice.repay', payload: { id: 'INV-1' } }) }],
  INVOICE_CLOSED: [
    { name: 'transferring a split parent', setup: (l) => (split(l), transfer(l, 'supplier', 'INV-1', 'supplier2')) },
    { name: 'financing a split parent', setup: (l) => (split(l), fin(l, 'supplier', 'INV-1')) },
    { name: 'paying a paid invoice', setup: (l) => (accepted(l), l.ok({ as: 'buyer', type: 'invoice.pay', payload: { id: 'INV-1', amount: '1000' } }), { as: 'buyer', type: 'invoice.pay', payload: { id: 'INV-1', amount: '1' } }) },
  ],
  INVOICE_TO_SELF: [
    { name: 'transferring to oneself', setup: (l) => (accepted(l), transfer(l, 'supplier', 'INV-1', 'supplier')) },
    { name: 'financing oneself', setup: (l) => (accepted(l), fin(l, 'supplier', 'INV-1', 'supplier')) },
  ],
  SPLIT_AMOUNT_MISMATCH: [{ name: 'parts short of the remaining amount', setup: (l) => (accepted(l), { as: 'supplier', type: 'invoice.split', payload: { id: 'INV-1', parts: [{ id: 'a', to: l.id('supplier'), amount: '500' }, { id: 'b', to: l.id('supplier'), amount: 499 }] } }) }],
  FINANCE_REQUEST_NOT_FOUND: [
    { name: 'a financier accepting what nobody asked of it', setup: (l) => (accepted(l), { as: 'financier', type: 'invoice.fund', payload: { id: 'INV-1' } }) },
    { name: 'accepting a request made to another financier', setup: (l) => (accepted(l), l.ok(fin(l, 'supplier', 'INV-1', 'financier2')), { as: 'financier', type: 'invoice.fund', payload: { id: 'INV-1' } }) },
    { name: 'declining twice', setup: (l) => (accepted(l), l.ok(fin(l, 'supplier', 'INV-1')), l.ok({ as: 'financier', type: 'invoice.decline', payload: { id: 'INV-1' } }), { as: 'financier', type: 'invoice.decline', payload: { id: 'INV-1' } }) },
    { name: 'withdrawing a request never made', setup: (l) => (accepted(l), { as: 'supplier', type: 'invoice.withdraw', payload: { id: 'INV-1', financier: l.id('financier') } }) },
  ],
  FINANCE_REQUEST_STALE: [{ name: 'accepting a request after the receivable changed hands', setup: (l) => (accepted(l), l.ok(fin(l, 'supplier', 'INV-1')), l.ok(transfer(l, 'supplier', 'INV-1', 'supplier2')), { as: 'financier', type: 'invoice.fund', payload: { id: 'INV-1' } }) }],
  ADVANCE_EXCEEDS_REMAINING: [{ name: 'advancing more than remains', setup: (l) => (accepted(l), l.ok({ as: 'buyer', type: 'invoice.pay', payload: { id: 'INV-1', amount: '200' } }), fin(l, 'supplier', 'INV-1', 'financier', '801')) }],
  PAYMENT_EXCEEDS_REMAINING: [{ name: 'overpaying', setup: (l) => (accepted(l), { as: 'buyer', type: 'invoice.pay', payload: { id: 'INV-1', amount: '1001' } }) }],
  ASSET_NOT_FOUND: [{ name: 'transferring an unknown asset', setup: (l) => ({ as: 'supplier', type: 'asset.transfer', payload: { id: 'nope', to: l.id('buyer') } }) }],
  ASSET_EXISTS: [{ name: 'registering an id twice', setup: (l) => (asset(l), { as: 'supplier2', type: 'asset.register', payload: { id: 'A-1', kind: 'k', fingerprint: 'other', metadata: {} } }) }],
  ASSET_NOT_OWNER: [{ name: 'a stranger pledging', setup: (l) => (asset(l), { as: 'buyer', type: 'asset.pledge', payload: { id: 'A-1', to: l.id('financier') } }) }],
  ASSET_NOT_PLEDGEE: [{ name: 'the owner releasing its own pledge', setup: (l) => (asset(l), l.ok({ as: 'supplier', type: 'asset.pledge', payload: { id: 'A-1', to: l.id('financier') } }), { as: 'supplier', type: 'asset.release', payload: { id: 'A-1' } }) }],
  ASSET_PLEDGED: [
    { name: 'transferring while pledged', setup: (l) => (asset(l), l.ok({ as: 'supplier', type: 'asset.pledge', payload: { id: 'A-1', to: l.id('financier') } }), { as: 'supplier', type: 'asset.transfer', payload: { id: 'A-1', to: l.id('buyer') } }) },
    { name: 'pledging twice', setup: (l) => (asset(l), l.ok({ as: 'supplier', type: 'asset.pledge', payload: { id: 'A-1', to: l.id('financier') } }), { as: 'supplier', type: 'asset.pledge', payload: { id: 'A-1', to: l.id('financier2') } }) },
  ],
  ASSET_NOT_PLEDGED: [{ name: 'releasing an unpledged asset', setup: (l) => (asset(l), { as: 'financier', type: 'asset.release', payload: { id: 'A-1' } }) }],
  ASSET_FROZEN: [
    { name: 'transferring a frozen asset', setup: (l) => (asset(l), l.ok({ as: 'regulator', type: 'asset.freeze', payload: { id: 'A-1', reason: 'court order' } }), { as: 'supplier', type: 'asset.transfer', payload: { id: 'A-1', to: l.id('buyer') } }) },
    { name: 'releasing a frozen pledge', setup: (l) => (asset(l), l.ok({ as: 'supplier', type: 'asset.pledge', payload: { id: 'A-1', to: l.id('financier') } }), l.ok({ as: 'regulator', type: 'asset.freeze', payload: { id: 'A-1', reason: 'r' } }), { as: 'financier', type: 'asset.release', payload: { id: 'A-1' } }) },
  ],
  ASSET_NOT_FROZEN: [{ name: 'unfreezing a free asset', setup: (l) => (asset(l), { as: 'regulator', type: 'asset.unfreeze', payload: { id: 'A-1', reason: 'r' } }) }],
  ASSET_TO_SELF: [{ name: 'transferring to oneself', setup: (l) => (asset(l), { as: 'supplier', type: 'asset.transfer', payload: { id: 'A-1', to: l.id('supplier') } }) }],
};

describe('every rejection code leaves state unchanged but the nonce', () => {
  for (const [code, scenarios] of Object.entries(SCENARIOS)) {
    for (const s of scenarios) {
      it(`${code}: ${s.name}`, () => {
        const l = castLedger(s.members ?? 1);
        expectNoop(l, s.setup(l), code);
      });
    }
  }
});
