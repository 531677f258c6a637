import type { Member } from '../../../types/genesis.js';
import { fromHex, toHex } from '../../../util/bytes.js';
import { invariant } from '../../../util/errors.js';
import type { TxContext } from '../../types.js';
import { readRecord } from '../../view.js';
import { accountKey, MEMBERS_KEY, proposalKey, publicKeyKey } from './keys.js';
import {
  decodeAccount, decodeKeyEntry, encodeAccount, encodeKeyEntry, encodeMembers, encodeProposal, loadAccount,
  loadMembers, type Proposal, type ProposalStatus,
} from './types.js';

// Governance rules (docs/transactions.md, Accounts and governance):
// - A proposal passes when more than 2/3 of the CURRENT members approve: votes of members
//   removed since do not count, members added since may vote. The proposer's propose counts
//   as its approval, so a one-member consortium decides at once.
// - It is rejected as soon as approval has become impossible (too many current members
//   voted against).
// - On approval the member list in state changes in the same block; the executor reports
//   membersChanged and consensus applies the new set at its next epoch boundary.
// - A proposal that passes but no longer applies (the key was added or retired meanwhile,
//   the member was already removed, or it is the last one) is closed as `failed`.
// - Added: the key's account becomes role `member` (created if the key is new). Removed: the
//   account's role becomes `auditor`, read-only, so a removed validator keeps no powers.

/** Hex keys of the current members. */
export function memberKeys(members: readonly Member[]): Set<string> {
  return new Set(members.map((m) => toHex(m.publicKey)));
}

/** Counts votes and decides; writes the proposal (and the member change if approved). */
export function tallyProposal(ctx: TxContext, proposal: Proposal): void {
  const members = loadMembers(ctx.state);
  const current = memberKeys(members);
  const n = members.length;
  const approvals = proposal.approvals.filter((k) => current.has(k)).length;
  const rejections = proposal.rejections.filter((k) => current.has(k)).length;
  let status: ProposalStatus = 'open';
  if (approvals * 3 > n * 2) status = applyProposal(ctx, proposal, members) ? 'approved' : 'failed';
  else if ((n - rejections) * 3 <= n * 2) status = 'rejected';
  const closed = status === 'open' ? proposal : { ...proposal, status, closedHeight: ctx.height };
  ctx.state.put(proposalKey(proposal.id), encodeProposal(closed));
  if (status !== 'open') {
    ctx.emit({ subject: 'member', id: proposal.id, action: status, data: { approvals, rejections, members: n } });
  }
}

function applyProposal(ctx: TxContext, p: Proposal, members: readonly Member[]): boolean {
  const pk = p.member.publicKey;
  const isMember = members.some((m) => toHex(m.publicKey) === pk);
  if (p.action === 'remove') {
    if (!isMember || members.length === 1) return false;
    ctx.state.put(MEMBERS_KEY, encodeMembers(members.filter((m) => toHex(m.publicKey) !== pk)));
    setRole(ctx, pk, 'auditor');
    ctx.emit({ subject: 'member', id: pk, action: 'removed', data: { proposalId: p.id } });
    return true;
  }
  if (isMember) return false;
  const entry = readRecord(ctx.state, publicKeyKey(pk), decodeKeyEntry);
  if (entry !== undefined && !entry.active) return false;
  const keyBytes = fromHex(pk);
  invariant(keyBytes !== null && keyBytes.length === 32, 'proposal key is validated hex');
  ctx.state.put(MEMBERS_KEY, encodeMembers([...members, { name: p.member.name, publicKey: keyBytes, address: p.member.address }]));
  if (entry === undefined) {
    const account = { id: pk, publicKey: pk, name: p.member.name, role: 'member' as const, nextNonce: 0 };
    ctx.state.putRecord(accountKey(pk), account, encodeAccount, decodeAccount);
    ctx.state.put(publicKeyKey(pk), encodeKeyEntry({ accountId: pk, active: true }));
    ctx.emit({ subject: 'account', id: pk, action: 'registered', data: { name: p.member.name, role: 'member', publicKey: pk } });
  } else {
    setRole(ctx, pk, 'member');
  }
  ctx.emit({ subject: 'member', id: pk, action: 'added', data: { proposalId: p.id, name: p.member.name, address: p.member.address } });
  return true;
}

function setRole(ctx: TxContext, currentKeyHex: string, role: 'member' | 'auditor'): void {
  const entry = readRecord(ctx.state, publicKeyKey(currentKeyHex), decodeKeyEntry);
  invariant(entry !== undefined && entry.active, 'member key maps to an active account');
  const account = loadAccount(ctx.state, entry.accountId);
  invariant(account !== undefined, 'key entry points at an account');
  ctx.state.putRecord(accountKey(account.id), { ...account, role }, encodeAccount, decodeAccount);
  ctx.emit({ subject: 'account', id: account.id, action: 'role_changed', data: { from: account.role, role } });
}
