import type { StateTree } from '../crypto/smt.js';
import type { Member } from '../types/genesis.js';
import type { Role } from '../types/primitives.js';
import { toHex } from '../util/bytes.js';
import { proposalKey } from './contracts/accounts/keys.js';
import { decodeProposal, loadAccount, loadAccountByKey, loadMembers, type Proposal } from './contracts/accounts/types.js';
import { loadAsset, type Asset } from './contracts/asset/types.js';
import { loadFinancingLedger, loadInvoice, type Invoice } from './contracts/invoice/types.js';
import { readRecord, treeReader, type StateReader } from './view.js';

// Read-only views of committed state for the API, the CLI and the mempool. They take either
// a StateTree or any StateReader, and return JSON-ready objects: amounts as decimal strings,
// keys as hex.

type Source = StateTree | StateReader;

function reader(s: Source): StateReader {
  return 'root' in s ? treeReader(s) : s;
}

/** An account as served by GET /v1/accounts/:publicKey. */
export interface AccountView {
  readonly id: string;
  readonly publicKey: string;
  readonly name: string;
  readonly role: Role;
  readonly nextNonce: number;
}

function view(a: { id: string; publicKey: string; name: string; role: Role; nextNonce: number }): AccountView {
  return { id: a.id, publicKey: a.publicKey, name: a.name, role: a.role, nextNonce: a.nextNonce };
}

/**
 * An account by id, or by its CURRENT public key (hex, either case); null when unknown. For
 * the API: a rotated account is still found by its id, which is its first key's hex.
 */
export function getAccount(state: Source, idOrCurrentKey: string): AccountView | null {
  const r = reader(state);
  const hex = idOrCurrentKey.toLowerCase();
  const a = loadAccountByKey(r, hex) ?? loadAccount(r, hex);
  return a === undefined ? null : view(a);
}

/**
 * The account that `publicKeyHex` can sign for right now, or null: unknown keys AND keys
 * rotated away give null. This is the lookup for admission (the mempool); getAccount would
 * accept a rotated-away first key through the id and admit transactions that make blocks
 * invalid (TX_UNKNOWN_SIGNER).
 */
export function getSignerAccount(state: Source, publicKeyHex: string): AccountView | null {
  const a = loadAccountByKey(reader(state), publicKeyHex.toLowerCase());
  return a === undefined ? null : view(a);
}

/** An invoice as served by GET /v1/invoices/:id. */
export interface InvoiceView {
  readonly id: string;
  readonly seller: string;
  readonly buyer: string;
  readonly holder: string;
  readonly amount: string;
  readonly paid: string;
  readonly remaining: string;
  readonly currency: string;
  readonly dueDate: string;
  readonly fingerprint: string;
  readonly status: Invoice['status'];
  readonly frozen: boolean;
  readonly frozenReason: string | null;
  readonly financier: string | null;
  readonly advance: string | null;
  /** True once this receivable, or an ancestor or part of it, was ever financed. */
  readonly everFinanced: boolean;
  readonly parent: string | null;
  readonly root: string;
  readonly parts: readonly string[];
  readonly createdHeight: number;
  readonly updatedHeight: number;
}

/** An invoice or split part by id; null when unknown. */
export function getInvoice(state: Source, id: string): InvoiceView | null {
  const r = reader(state);
  const i = loadInvoice(r, id);
  if (i === undefined) return null;
  const start = i.offset;
  const end = i.offset + i.amount;
  const everFinanced = loadFinancingLedger(r, i.root).some((x) => x.start < end && start < x.end);
  return {
    id: i.id, seller: i.seller, buyer: i.buyer, holder: i.holder, amount: i.amount.toString(), paid: i.paid.toString(),
    remaining: (i.amount - i.paid).toString(), currency: i.currency, dueDate: i.dueDate, fingerprint: i.fingerprint,
    status: i.status, frozen: i.frozen, frozenReason: i.frozenReason, financier: i.financier,
    advance: i.advance === null ? null : i.advance.toString(), everFinanced, parent: i.parent, root: i.root, parts: i.parts,
    createdHeight: i.createdHeight, updatedHeight: i.updatedHeight,
  };
}

/** An asset as served by GET /v1/assets/:id. */
export type AssetView = Asset & { readonly status: 'active' | 'pledged' | 'frozen' };

/** An asset by id; null when unknown. */
export function getAsset(state: Source, id: string): AssetView | null {
  const a = loadAsset(reader(state), id);
  if (a === undefined) return null;
  return { ...a, status: a.frozen ? 'frozen' : a.pledgee !== null ? 'pledged' : 'active' };
}

/** A member as served by GET /v1/members. */
export interface MemberView {
  readonly name: string;
  readonly publicKey: string;
  readonly address: string;
}

/** The current member list, in order (member index = position). */
export function getMembers(state: Source): MemberView[] {
  return loadMembers(reader(state)).map((m: Member) => ({ name: m.name, publicKey: toHex(m.publicKey), address: m.address }));
}

/** A governance proposal by id (the member.propose tx hash hex); null when unknown. */
export function getProposal(state: Source, proposalId: string): Proposal | null {
  return readRecord(reader(state), proposalKey(proposalId.toLowerCase()), decodeProposal) ?? null;
}
