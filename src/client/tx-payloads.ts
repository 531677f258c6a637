// Payloads of every transaction type (docs/transactions.md, Transaction types), for building transactions
// with the compiler checking field names. Amounts are decimal strings of integers in minor
// units (up to 2^63-1: more than a JSON number holds exactly); ids are 1-128 chars of
// [A-Za-z0-9._:-]; accounts are referenced by public key (hex) or account id. The contracts
// validate the values; these types only catch misspelt or missing fields.

/** Decimal string of an integer amount in minor units. */
export type AmountStr = string;

/** A member as proposed for addition or removal. */
export interface MemberProposal {
  name: string;
  publicKey: string;
  address: string;
}

/** Payload type of each transaction type, by its SPEC name. */
export interface TxPayloads {
  'account.register': { publicKey: string; role: 'member' | 'integrator' | 'auditor' | 'regulator'; name: string };
  'account.rotate': { newPublicKey: string };
  'account.setrole': { account: string; role: 'member' | 'integrator' | 'auditor' | 'regulator' };
  'member.propose': { action: 'add' | 'remove'; member: MemberProposal };
  'member.vote': { proposalId: string; approve: boolean };
  'invoice.issue': { id: string; buyer: string; amount: AmountStr; currency: string; dueDate: string; fingerprint: string };
  'invoice.accept': { id: string };
  'invoice.transfer': { id: string; to: string };
  'invoice.split': { id: string; parts: { id: string; to: string; amount: AmountStr }[] };
  /** The holder's request: nothing is financed until the financier's invoice.fund. */
  'invoice.finance': { id: string; financier: string; advance: AmountStr };
  'invoice.fund': { id: string };
  'invoice.decline': { id: string };
  'invoice.withdraw': { id: string; financier: string };
  'invoice.repay': { id: string };
  'invoice.pay': { id: string; amount: AmountStr };
  'invoice.cancel': { id: string };
  'invoice.freeze': { id: string; reason?: string };
  'invoice.unfreeze': { id: string; reason?: string };
  'asset.register': { id: string; kind: string; fingerprint: string; metadata: { [key: string]: string | number | boolean | null } };
  'asset.transfer': { id: string; to: string };
  'asset.pledge': { id: string; to: string };
  'asset.release': { id: string };
  'asset.freeze': { id: string; reason: string };
  'asset.unfreeze': { id: string; reason: string };
}

/** Every transaction type name. */
export type TxType = keyof TxPayloads;

/** Every transaction type name, in SPEC order (for CLI help and validation). */
export const TX_TYPES = [
  'account.register', 'account.rotate', 'account.setrole', 'member.propose', 'member.vote',
  'invoice.issue', 'invoice.accept', 'invoice.transfer', 'invoice.split', 'invoice.finance', 'invoice.fund',
  'invoice.decline', 'invoice.withdraw',
  'invoice.repay', 'invoice.pay', 'invoice.cancel', 'invoice.freeze', 'invoice.unfreeze',
  'asset.register', 'asset.transfer', 'asset.pledge', 'asset.release', 'asset.freeze', 'asset.unfreeze',
] as const satisfies readonly TxType[];

/** True for a known transaction type name. */
export function isTxType(s: string): s is TxType {
  return (TX_TYPES as readonly string[]).includes(s);
}
