import { Type, type Static, type TSchema } from 'typebox';
import { ACTION_RE, ADDRESS_RE } from '../../state/contracts/accounts/propose.js';
import { ROLE_RE } from '../../state/contracts/accounts/register.js';
import type { AccountsErrorCode } from '../../state/contracts/accounts/errors.js';
import type { AssetErrorCode } from '../../state/contracts/asset/errors.js';
import { MAX_ASSET_REASON_LENGTH } from '../../state/contracts/asset/freeze.js';
import { KIND_RE } from '../../state/contracts/asset/register.js';
import type { CommonErrorCode } from '../../state/contracts/common-errors.js';
import type { InvoiceErrorCode } from '../../state/contracts/invoice/errors.js';
import { MAX_REASON_LENGTH } from '../../state/contracts/invoice/freeze.js';
import { CURRENCY_RE, DATE_RE } from '../../state/contracts/invoice/issue.js';
import { MAX_SPLIT_PARTS } from '../../state/contracts/invoice/split.js';
import { AMOUNT_RE, ID_RE, KEY_HEX_RE, NAME_RE } from '../../state/contracts/payload-reader.js';

// One TypeBox schema per transaction type's payload, built from the contracts' own field rules
// (their regexes and limits), for the OpenAPI document (openapi.ts). The contracts' validators
// (hot path: hand-written readers) are what admission runs, in the documented order
// (docs/transactions.md, Admission: a payload is checked after the signer's role and nonce);
// they also check what a schema cannot say: calendar dates, amounts up to 2^63-1, distinct
// part ids, metadata size. test/unit/api/tx-payload-schemas.test.ts keeps the two in
// agreement on every vector and on 1,000+ mutations of them.

const pattern = (re: RegExp, description: string) => Type.String({ pattern: re.source, description });
const Id = pattern(ID_RE, 'caller-chosen id: 1-128 chars of [A-Za-z0-9._:-]');
const Account = pattern(KEY_HEX_RE, 'an account id or public key: 64 lower-case hex digits');
const Name = pattern(NAME_RE, 'a name: 1-64 chars of [A-Za-z0-9._-]');
const Amount = Type.Union(
  [pattern(AMOUNT_RE, 'decimal string, no leading zero'), Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })],
  { description: 'amount in minor units, 1..2^63-1: a decimal string (the only form past 2^53-1) or a safe integer' },
);
const Reason = (max: number) => Type.String({ maxLength: max, description: `free text, at most ${max} characters` });

const obj = <P extends Record<string, TSchema>>(title: string, properties: P) =>
  Type.Object(properties, { additionalProperties: false, title });

const IdOnly = (title: string) => obj(title, { id: Id });

/** The payload schema of every transaction type. */
export const TX_PAYLOAD_SCHEMAS = {
  'account.register': obj('AccountRegisterPayload', {
    publicKey: Account,
    role: pattern(ROLE_RE, 'integrator, auditor or regulator (member is refused by the contract)'),
    name: Name,
  }),
  'account.rotate': obj('AccountRotatePayload', { newPublicKey: Account }),
  'account.setrole': obj('AccountSetRolePayload', {
    account: Account,
    role: pattern(ROLE_RE, 'integrator, auditor or regulator (member is refused by the contract)'),
  }),
  'member.propose': obj('MemberProposePayload', {
    action: pattern(ACTION_RE, 'add or remove'),
    member: obj('MemberProposal', { name: Name, publicKey: Account, address: pattern(ADDRESS_RE, 'libp2p multiaddr, e.g. /ip4/10.0.0.7/tcp/9080') }),
  }),
  'member.vote': obj('MemberVotePayload', { proposalId: pattern(KEY_HEX_RE, 'the member.propose transaction hash'), approve: Type.Boolean() }),
  'invoice.issue': obj('InvoiceIssuePayload', {
    id: Id, buyer: Account, amount: Amount, currency: pattern(CURRENCY_RE, 'ISO 4217 code'),
    dueDate: pattern(DATE_RE, 'calendar date YYYY-MM-DD'), fingerprint: pattern(ID_RE, 'document fingerprint, unique forever'),
  }),
  'invoice.accept': IdOnly('InvoiceAcceptPayload'),
  'invoice.transfer': obj('InvoiceTransferPayload', { id: Id, to: Account }),
  'invoice.split': obj('InvoiceSplitPayload', {
    id: Id,
    parts: Type.Array(obj('InvoiceSplitPart', { id: Id, to: Account, amount: Amount }), { minItems: 2, maxItems: MAX_SPLIT_PARTS, description: 'part ids distinct and different from id; amounts sum to the remaining amount' }),
  }),
  'invoice.finance': obj('InvoiceFinancePayload', { id: Id, financier: Account, advance: Amount }),
  'invoice.fund': IdOnly('InvoiceFundPayload'),
  'invoice.decline': IdOnly('InvoiceDeclinePayload'),
  'invoice.withdraw': obj('InvoiceWithdrawPayload', { id: Id, financier: Account }),
  'invoice.repay': IdOnly('InvoiceRepayPayload'),
  'invoice.pay': obj('InvoicePayPayload', { id: Id, amount: Amount }),
  'invoice.cancel': IdOnly('InvoiceCancelPayload'),
  'invoice.freeze': obj('InvoiceFreezePayload', { id: Id, reason: Type.Optional(Reason(MAX_REASON_LENGTH)) }),
  'invoice.unfreeze': obj('InvoiceUnfreezePayload', { id: Id, reason: Type.Optional(Reason(MAX_REASON_LENGTH)) }),
  'asset.register': obj('AssetRegisterPayload', {
    id: Id, kind: pattern(KIND_RE, '1-64 chars of [A-Za-z0-9._:-]'), fingerprint: pattern(ID_RE, 'document fingerprint, unique forever'),
    metadata: Type.Record(Type.String(), Type.Unknown(), { description: 'free object, at most 8,192 bytes encoded' }),
  }),
  'asset.transfer': obj('AssetTransferPayload', { id: Id, to: Account }),
  'asset.pledge': obj('AssetPledgePayload', { id: Id, to: Account }),
  'asset.release': IdOnly('AssetReleasePayload'),
  'asset.freeze': obj('AssetFreezePayload', { id: Id, reason: Reason(MAX_ASSET_REASON_LENGTH) }),
  'asset.unfreeze': obj('AssetUnfreezePayload', { id: Id, reason: Reason(MAX_ASSET_REASON_LENGTH) }),
} as const;

/** Every transaction type with a payload schema. */
export type PayloadSchemaType = keyof typeof TX_PAYLOAD_SCHEMAS;
/** The JSON payload of transaction type T. */
export type PayloadOf<T extends PayloadSchemaType> = Static<(typeof TX_PAYLOAD_SCHEMAS)[T]>;

/** True for a type that has a payload schema. */
export function hasPayloadSchema(type: string): type is PayloadSchemaType {
  return Object.prototype.hasOwnProperty.call(TX_PAYLOAD_SCHEMAS, type);
}

/** Any receipt code a contract gives. */
export type ContractRejectCode = CommonErrorCode | AccountsErrorCode | InvoiceErrorCode | AssetErrorCode;

const PARTY = ['PARTY_NOT_FOUND', 'PARTY_ROLE_NOT_ALLOWED'] as const;
// Every invoice change first finds the invoice and refuses a frozen one (invoice/guards.ts).
const INVOICE = ['INVOICE_NOT_FOUND', 'INVOICE_FROZEN'] as const;
const FINANCE = [...INVOICE, 'INVOICE_NOT_HOLDER', 'INVOICE_ALREADY_FINANCED', 'INVOICE_NOT_ACCEPTED', 'INVOICE_CLOSED', 'INVOICE_TO_SELF', ...PARTY, 'ADVANCE_EXCEEDS_REMAINING'] as const;

/**
 * The receipt codes a committed transaction of each type can carry besides success
 * (docs/transactions.md, Transaction types), in the order the contract checks them.
 */
export const TX_REJECTIONS: Record<PayloadSchemaType, readonly ContractRejectCode[]> = {
  'account.register': ['ROLE_NOT_REGISTRABLE', 'KEY_TAKEN', 'KEY_INVALID'],
  'account.rotate': ['ACCOUNT_IS_MEMBER', 'KEY_TAKEN', 'KEY_INVALID'],
  'account.setrole': ['ROLE_NOT_REGISTRABLE', 'PARTY_NOT_FOUND', 'ACCOUNT_IS_MEMBER', 'ROLE_UNCHANGED'],
  'member.propose': ['MEMBER_NOT_FOUND', 'MEMBER_LAST', 'MEMBER_EXISTS', 'KEY_TAKEN', 'KEY_INVALID'],
  'member.vote': ['PROPOSAL_NOT_FOUND', 'PROPOSAL_CLOSED', 'PROPOSAL_ALREADY_VOTED'],
  'invoice.issue': ['INVOICE_EXISTS', 'FINGERPRINT_TAKEN', 'BUYER_IS_SELLER', ...PARTY],
  'invoice.accept': [...INVOICE, 'INVOICE_NOT_BUYER', 'INVOICE_NOT_ISSUED'],
  'invoice.transfer': [...INVOICE, 'INVOICE_NOT_HOLDER', 'INVOICE_NOT_ACCEPTED', 'INVOICE_FINANCED', 'INVOICE_CLOSED', 'INVOICE_TO_SELF', ...PARTY],
  'invoice.split': [...INVOICE, 'INVOICE_NOT_HOLDER', 'INVOICE_NOT_ACCEPTED', 'INVOICE_FINANCED', 'INVOICE_CLOSED', 'SPLIT_AMOUNT_MISMATCH', 'INVOICE_EXISTS', ...PARTY],
  'invoice.finance': FINANCE,
  'invoice.fund': ['FINANCE_REQUEST_NOT_FOUND', 'FINANCE_REQUEST_STALE', ...FINANCE],
  'invoice.decline': [...INVOICE, 'FINANCE_REQUEST_NOT_FOUND'],
  'invoice.withdraw': [...INVOICE, 'INVOICE_NOT_HOLDER', 'FINANCE_REQUEST_NOT_FOUND'],
  'invoice.repay': [...INVOICE, 'INVOICE_NOT_FINANCED', 'INVOICE_NOT_FINANCIER'],
  'invoice.pay': [...INVOICE, 'INVOICE_NOT_BUYER', 'INVOICE_NOT_ACCEPTED', 'INVOICE_CLOSED', 'PAYMENT_EXCEEDS_REMAINING'],
  'invoice.cancel': [...INVOICE, 'INVOICE_NOT_SELLER', 'INVOICE_NOT_ISSUED'],
  'invoice.freeze': ['INVOICE_NOT_FOUND', 'INVOICE_FROZEN'],
  'invoice.unfreeze': ['INVOICE_NOT_FOUND', 'INVOICE_NOT_FROZEN'],
  'asset.register': ['ASSET_EXISTS', 'FINGERPRINT_TAKEN'],
  'asset.transfer': ['ASSET_NOT_FOUND', 'ASSET_FROZEN', 'ASSET_NOT_OWNER', 'ASSET_PLEDGED', 'ASSET_TO_SELF', ...PARTY],
  'asset.pledge': ['ASSET_NOT_FOUND', 'ASSET_FROZEN', 'ASSET_NOT_OWNER', 'ASSET_PLEDGED', 'ASSET_TO_SELF', ...PARTY],
  'asset.release': ['ASSET_NOT_FOUND', 'ASSET_FROZEN', 'ASSET_NOT_PLEDGED', 'ASSET_NOT_PLEDGEE'],
  'asset.freeze': ['ASSET_NOT_FOUND', 'ASSET_FROZEN'],
  'asset.unfreeze': ['ASSET_NOT_FOUND', 'ASSET_NOT_FROZEN'],
};
