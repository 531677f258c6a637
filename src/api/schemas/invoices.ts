import { Type, type Static } from 'typebox';
import { AmountString, IdString, Nullable, Page, PageQueryFields, UInt } from './common.js';

/** Invoice statuses (docs/transactions.md, Invoices). Frozen is a separate flag. */
export const InvoiceStatus = Type.Enum(['issued', 'accepted', 'split', 'financed', 'paid', 'cancelled']);

/** An invoice (a receivable) as held in state. Accounts are referenced by their id strings. */
export const InvoiceJson = Type.Object(
  {
    id: IdString,
    seller: IdString,
    buyer: IdString,
    holder: IdString,
    amount: AmountString,
    paid: AmountString,
    currency: Type.String(),
    dueDate: Type.String(),
    fingerprint: Type.String(),
    status: InvoiceStatus,
    frozen: Type.Boolean(),
    financier: Nullable(IdString),
    advance: Nullable(AmountString),
    parent: Nullable(IdString),
    children: Type.Array(IdString),
    issuedHeight: UInt,
    updatedHeight: UInt,
  },
  { additionalProperties: false, title: 'Invoice' },
);
/** JSON form of InvoiceJson. */
export type InvoiceJson = Static<typeof InvoiceJson>;

/** GET /v1/invoices query. */
export const InvoicesQuery = Type.Object(
  {
    holder: Type.Optional(IdString),
    status: Type.Optional(InvoiceStatus),
    ...PageQueryFields,
  },
  { additionalProperties: false },
);

/** A page of invoices. */
export const InvoicesPage = Page(InvoiceJson);
/** JSON form of InvoicesPage. */
export type InvoicesPage = Static<typeof InvoicesPage>;
