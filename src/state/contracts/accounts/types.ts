import { readArray, readBytes, readString, readTuple } from '../../../codec/read.js';
import { pack, unpackTrusted } from '../../../codec/msgpack.js';
import type { Member } from '../../../types/genesis.js';
import { ROLES, type Role } from '../../../types/primitives.js';
import { invariant } from '../../../util/errors.js';
import type { AccountId } from '../../types.js';
import { readRecord, type StateReader } from '../../view.js';
import { bool, int, packRecord, str, strList, unpackRecord } from '../state-record.js';
import { accountKey, MEMBERS_KEY, publicKeyKey } from './keys.js';

/** An account (docs/transactions.md, Roles). */
export interface Account {
  /** Stable id: hex of the key it was created with. */
  readonly id: AccountId;
  /** Current public key, lower-case hex. */
  readonly publicKey: string;
  readonly name: string;
  readonly role: Role;
  /** The nonce its next transaction must carry. */
  readonly nextNonce: number;
}

/** Tuple: [id, publicKey, name, role, nextNonce]. */
export function encodeAccount(a: Account): Uint8Array {
  return packRecord([a.id, a.publicKey, a.name, a.role, a.nextNonce]);
}

/** Inverse of encodeAccount. */
export function decodeAccount(bytes: Uint8Array): Account {
  const t = unpackRecord(bytes, 'account', 5);
  const role = str(t[3], 'account.role') as Role;
  invariant(ROLES.includes(role), 'account.role: unknown role in stored record');
  return { id: str(t[0], 'account.id'), publicKey: str(t[1], 'account.publicKey'), name: str(t[2], 'account.name'), role, nextNonce: int(t[4], 'account.nextNonce') };
}

/** Where a public key points: its account, and whether it is still that account's current key. */
export interface KeyEntry {
  readonly accountId: AccountId;
  readonly active: boolean;
}

/** Tuple: [accountId, active]. */
export function encodeKeyEntry(k: KeyEntry): Uint8Array {
  return packRecord([k.accountId, k.active]);
}

/** Inverse of encodeKeyEntry. */
export function decodeKeyEntry(bytes: Uint8Array): KeyEntry {
  const t = unpackRecord(bytes, 'keyEntry', 2);
  return { accountId: str(t[0], 'keyEntry.accountId'), active: bool(t[1], 'keyEntry.active') };
}

/** Reads an account by id. */
export function loadAccount(state: StateReader, id: AccountId): Account | undefined {
  return readRecord(state, accountKey(id), decodeAccount);
}

/** Reads the account whose CURRENT key is `publicKeyHex`; undefined for unknown or retired keys. */
export function loadAccountByKey(state: StateReader, publicKeyHex: string): Account | undefined {
  const entry = readRecord(state, publicKeyKey(publicKeyHex), decodeKeyEntry);
  return entry === undefined || !entry.active ? undefined : loadAccount(state, entry.accountId);
}

/** The member list as stored: [[name, publicKey(32 bytes), address], ...]. */
export function encodeMembers(members: readonly Member[]): Uint8Array {
  return pack(members.map((m) => [m.name, m.publicKey, m.address]));
}

/** Inverse of encodeMembers. */
export function decodeMembers(bytes: Uint8Array): Member[] {
  return readArray(unpackTrusted(bytes), 'members', 1024).map((m, i) => {
    const t = readTuple(m, `members[${i}]`, 3);
    return { name: readString(t[0], 'member.name', 64), publicKey: readBytes(t[1], 'member.publicKey', 32), address: readString(t[2], 'member.address', 256) };
  });
}

/** The current member list. */
export function loadMembers(state: StateReader): Member[] {
  const m = readRecord(state, MEMBERS_KEY, decodeMembers);
  invariant(m !== undefined, 'state has no member list (genesis not applied)');
  return m;
}

/** What a proposal would do. */
export type ProposalAction = 'add' | 'remove';
/** open until > 2/3 approve (approved) or that becomes impossible (rejected); failed = approved but no longer applicable. */
export type ProposalStatus = 'open' | 'approved' | 'rejected' | 'failed';

/** A governance proposal (member.propose), keyed by its tx hash hex. */
export interface Proposal {
  readonly id: string;
  readonly proposer: AccountId;
  readonly action: ProposalAction;
  readonly member: { readonly name: string; readonly publicKey: string; readonly address: string };
  readonly createdHeight: number;
  readonly status: ProposalStatus;
  /** Public keys (hex) of the members that approved; only current members count. */
  readonly approvals: readonly string[];
  /** Public keys (hex) of the members that voted against. */
  readonly rejections: readonly string[];
  /** Height at which it was decided; null while open. */
  readonly closedHeight: number | null;
}

/** Tuple: [id, proposer, action, name, publicKey, address, createdHeight, status, approvals, rejections, closedHeight]. */
export function encodeProposal(p: Proposal): Uint8Array {
  return packRecord([
    p.id, p.proposer, p.action, p.member.name, p.member.publicKey, p.member.address,
    p.createdHeight, p.status, p.approvals, p.rejections, p.closedHeight,
  ]);
}

/** Inverse of encodeProposal. */
export function decodeProposal(bytes: Uint8Array): Proposal {
  const t = unpackRecord(bytes, 'proposal', 11);
  return {
    id: str(t[0], 'proposal.id'),
    proposer: str(t[1], 'proposal.proposer'),
    action: str(t[2], 'proposal.action') as ProposalAction,
    member: { name: str(t[3], 'proposal.name'), publicKey: str(t[4], 'proposal.publicKey'), address: str(t[5], 'proposal.address') },
    createdHeight: int(t[6], 'proposal.createdHeight'),
    status: str(t[7], 'proposal.status') as ProposalStatus,
    approvals: strList(t[8], 'proposal.approvals'),
    rejections: strList(t[9], 'proposal.rejections'),
    closedHeight: t[10] === null ? null : int(t[10], 'proposal.closedHeight'),
  };
}
