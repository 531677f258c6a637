import { describe, expect, it } from 'vitest';
import { getMembers, getProposal } from '../../../../src/state/queries.js';
import type { TestLedger } from '../../../helpers/test-ledger.js';
import { castLedger } from './fixtures.js';

function propose(l: TestLedger, action: 'add' | 'remove', who: string, as = 'member0'): string {
  const r = l.ok({ as, type: 'member.propose', payload: { action, member: { name: who, publicKey: l.id(who), address: '/ip4/127.0.0.1/tcp/9100' } } });
  expect(r.block.events[0]).toMatchObject({ subject: 'member', action: 'proposed' });
  return r.block.events[0]?.id ?? '';
}

const vote = (l: TestLedger, as: string, proposalId: string, approve = true) => l.ok({ as, type: 'member.vote', payload: { proposalId, approve } });

describe('governance', () => {
  it('a member is added once more than 2/3 of current members approve, in that block', () => {
    const l = castLedger(4);
    const id = propose(l, 'add', 'bank-e');
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(getProposal(l.state, id)).toMatchObject({ status: 'open', approvals: [l.id('member0')] });
    expect(vote(l, 'member1', id).block.membersChanged).toBeNull(); // 2 of 4: not > 2/3
    const r = vote(l, 'member2', id); // 3 of 4
    expect(r.block.membersChanged?.map((m) => m.name)).toEqual(['member0', 'member1', 'member2', 'member3', 'bank-e']);
    expect(getProposal(l.state, id)).toMatchObject({ status: 'approved', closedHeight: l.height });
    expect(getMembers(l.state)).toHaveLength(5);
    expect(l.account('bank-e')).toMatchObject({ role: 'member', name: 'bank-e', nextNonce: 0 });
    // The new member governs at once.
    propose(l, 'add', 'bank-f', 'bank-e');
    expect(r.block.events.map((e) => `${e.subject}:${e.action}`)).toEqual(['member:voted', 'account:registered', 'member:added', 'member:approved']);
  });

  it('a removed member becomes a read-only auditor and its votes stop counting', () => {
    const l = castLedger(4);
    const pending = propose(l, 'add', 'bank-e', 'member3'); // member3 approves, then is removed
    const id = propose(l, 'remove', 'member3');
    vote(l, 'member1', id);
    const r = vote(l, 'member2', id);
    expect(r.block.membersChanged?.map((m) => m.name)).toEqual(['member0', 'member1', 'member2']);
    expect(l.account('member3')?.role).toBe('auditor');
    expect(l.submit({ as: 'member3', type: 'member.vote', payload: { proposalId: pending, approve: true } }).code).toBe('ROLE_NOT_ALLOWED');
    // 3 members now; member3's approval is void, so two more approvals are needed (> 2/3 of 3 = 3).
    vote(l, 'member0', pending);
    vote(l, 'member1', pending);
    expect(getProposal(l.state, pending)?.status).toBe('open');
    expect(vote(l, 'member2', pending).block.membersChanged).toHaveLength(4);
  });

  it('a proposal is rejected as soon as approval is impossible', () => {
    const l = castLedger(4);
    const id = propose(l, 'add', 'bank-e');
    vote(l, 'member1', id, false);
    const r = vote(l, 'member2', id, false); // 2 against of 4: at most 2 approvals left
    expect(getProposal(l.state, id)?.status).toBe('rejected');
    expect(r.block.membersChanged).toBeNull();
    expect(r.block.events.map((e) => e.action)).toEqual(['voted', 'rejected']);
  });

  it('a single member decides alone; an existing account is promoted', () => {
    const l = castLedger(1);
    propose(l, 'add', 'supplier');
    expect(l.account('supplier')?.role).toBe('member');
    expect(getMembers(l.state).map((m) => m.name)).toEqual(['member0', 'supplier']);
  });

  it('an approved proposal that no longer applies is closed as failed', () => {
    const l = castLedger(4);
    const id = propose(l, 'add', 'newbie');
    // Meanwhile the key is registered and rotated away: it is retired, never usable again.
    l.ok({ as: 'member1', type: 'account.register', payload: { publicKey: l.id('newbie'), role: 'integrator', name: 'newbie' } });
    l.ok({ as: 'newbie', type: 'account.rotate', payload: { newPublicKey: l.id('newbie-2') } });
    vote(l, 'member1', id);
    const r = vote(l, 'member2', id);
    expect(getProposal(l.state, id)?.status).toBe('failed');
    expect(r.block.membersChanged).toBeNull();
    expect(getMembers(l.state)).toHaveLength(4);
  });
});
