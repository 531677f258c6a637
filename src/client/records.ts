import { unpackCanonical } from '../codec/msgpack.js';
import { badField, readArray, readBool, readInt, readString, readTuple } from '../codec/read.js';
import type { AccountRecordJson, AssetRecordJson, InvoiceRecordJson, InvoiceStatus } from './wire.js';

// The state layout of the contracts as the SDK reads it (docs/state-layout.md): every key
// prefix and, per record, the field order of its MessagePack tuple. The bytes come from an
// untrusted node, so they are decoded canonically and field by field (codec/read.ts); the
// node's own decoders (src/state/contracts/*/types.ts) trust their disk and are not reused.
// test/unit/client/records.test.ts keeps both in step on records the executor encodes.

/** State key prefixes (text; the tree key is its UTF-8 bytes). */
export const STATE_KEYS = {
  invoice: (id: string): string => `inv/${id}`,
  asset: (id: string): string => `asset/${id}`,
  account: (id: string): string => `acct/${id}`,
  publicKey: (publicKeyHex: string): string => `key/${publicKeyHex}`,
  members: 'members',
} as const;

const ID = /^[A-Za-z0-9._:-]{1,128}$/;
const AMOUNT = /^(0|[1-9][0-9]{0,18})$/;
const STATUSES: readonly InvoiceStatus[] = ['issued', 'accepted', 'split', 'financed', 'paid', 'cancelled'];
const ROLES: readonly AccountRecordJson['role'][] = ['member', 'integrator', 'auditor', 'regulator'];

const id = (v: unknown, f: string): string => readString(v, f, 128, ID);
const idOrNull = (v: unknown, f: string): string | null => (v === null ? null : id(v, f));
const text = (v: unknown, f: string): string => readString(v, f, 4096);
const textOrNull = (v: unknown, f: string): string | null => (v === null ? null : text(v, f));
const amount = (v: unknown, f: string): string => readString(v, f, 19, AMOUNT);

function oneOf<T extends string>(v: unknown, f: string, allowed: readonly T[]): T {
  const s = readString(v, f, 32);
  if (!(allowed as readonly string[]).includes(s)) badField(f, `unknown value ${s}`);
  return s as T;
}

/** Decodes an 'inv/<id>' value: [id, seller, buyer, holder, amount, paid, currency, dueDate, fingerprint, status, frozen, frozenReason, financier, advance, parent, root, offset, parts, createdHeight, updatedHeight]. */
export function decodeInvoiceRecord(bytes: Uint8Array): InvoiceRecordJson {
  const t = readTuple(unpackCanonical(bytes), 'invoice', 20);
  return {
    id: id(t[0], 'invoice.id'), seller: id(t[1], 'invoice.seller'), buyer: id(t[2], 'invoice.buyer'), holder: id(t[3], 'invoice.holder'),
    amount: amount(t[4], 'invoice.amount'), paid: amount(t[5], 'invoice.paid'), currency: text(t[6], 'invoice.currency'),
    dueDate: text(t[7], 'invoice.dueDate'), fingerprint: text(t[8], 'invoice.fingerprint'), status: oneOf(t[9], 'invoice.status', STATUSES),
    frozen: readBool(t[10], 'invoice.frozen'), frozenReason: textOrNull(t[11], 'invoice.frozenReason'), financier: idOrNull(t[12], 'invoice.financier'),
    advance: t[13] === null ? null : amount(t[13], 'invoice.advance'), parent: idOrNull(t[14], 'invoice.parent'), root: id(t[15], 'invoice.root'),
    offset: amount(t[16], 'invoice.offset'), parts: readArray(t[17], 'invoice.parts', 1 << 16).map((p, i) => id(p, `invoice.parts[${i}]`)),
    createdHeight: readInt(t[18], 'invoice.createdHeight'), updatedHeight: readInt(t[19], 'invoice.updatedHeight'),
  };
}

/** Decodes an 'asset/<id>' value: [id, kind, fingerprint, metadata, owner, pledgee, frozen, frozenReason, registeredBy, createdHeight, updatedHeight]. */
export function decodeAssetRecord(bytes: Uint8Array): AssetRecordJson {
  const t = readTuple(unpackCanonical(bytes), 'asset', 11);
  const metadata = t[3];
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata) || metadata instanceof Uint8Array) badField('asset.metadata', 'expected map');
  return {
    id: id(t[0], 'asset.id'), kind: text(t[1], 'asset.kind'), fingerprint: text(t[2], 'asset.fingerprint'),
    metadata: { ...(metadata as Record<string, unknown>) }, owner: id(t[4], 'asset.owner'), pledgee: idOrNull(t[5], 'asset.pledgee'),
    frozen: readBool(t[6], 'asset.frozen'), frozenReason: textOrNull(t[7], 'asset.frozenReason'), registeredBy: id(t[8], 'asset.registeredBy'),
    createdHeight: readInt(t[9], 'asset.createdHeight'), updatedHeight: readInt(t[10], 'asset.updatedHeight'),
  };
}

/** Decodes an 'acct/<id>' value: [id, publicKey, name, role, nextNonce]. */
export function decodeAccountRecord(bytes: Uint8Array): AccountRecordJson {
  const t = readTuple(unpackCanonical(bytes), 'account', 5);
  return {
    id: id(t[0], 'account.id'), publicKey: readString(t[1], 'account.publicKey', 64, /^[0-9a-f]{64}$/), name: text(t[2], 'account.name'),
    role: oneOf(t[3], 'account.role', ROLES), nextNonce: readInt(t[4], 'account.nextNonce'),
  };
}
