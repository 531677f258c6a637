/** Rejections of the invoice contract (docs/transactions.md, Invoices). */
export type InvoiceErrorCode =
  /** No invoice (or split part) with this id. */
  | 'INVOICE_NOT_FOUND'
  /** The id is already used by an invoice or a split part (ids are never reused). */
  | 'INVOICE_EXISTS'
  /** This fingerprint was registered before, by anyone, even if that invoice was cancelled. */
  | 'FINGERPRINT_TAKEN'
  /** The seller named itself as buyer. */
  | 'BUYER_IS_SELLER'
  /** The invoice is frozen by a regulator and accepts no change (or is already frozen). */
  | 'INVOICE_FROZEN'
  /** invoice.unfreeze on an invoice that is not frozen. */
  | 'INVOICE_NOT_FROZEN'
  /** Only the buyer may do this (accept, pay). */
  | 'INVOICE_NOT_BUYER'
  /** Only the current holder may do this (transfer, split, finance, withdraw). */
  | 'INVOICE_NOT_HOLDER'
  /** Only the seller may do this (cancel). */
  | 'INVOICE_NOT_SELLER'
  /** Only the financier of a financed invoice may repay it. */
  | 'INVOICE_NOT_FINANCIER'
  /** accept and cancel need status `issued`. */
  | 'INVOICE_NOT_ISSUED'
  /** transfer, split, finance and pay need the buyer's acceptance first (status `issued`). */
  | 'INVOICE_NOT_ACCEPTED'
  /** transfer and split are not allowed while the invoice is financed. */
  | 'INVOICE_FINANCED'
  /**
   * Double financing: this receivable, or some amount unit of the same original invoice
   * (through an ancestor or a part), was financed before, even if later repaid.
   */
  | 'INVOICE_ALREADY_FINANCED'
  /** repay on an invoice that is not currently financed. */
  | 'INVOICE_NOT_FINANCED'
  /** The invoice is `split`, `paid` or `cancelled`: it accepts no further change. */
  | 'INVOICE_CLOSED'
  /** transfer or finance naming the holder itself as the counterparty. */
  | 'INVOICE_TO_SELF'
  /** split parts do not sum exactly to the remaining (unpaid) amount. */
  | 'SPLIT_AMOUNT_MISMATCH'
  /** finance advance is larger than the remaining (unpaid) amount. */
  | 'ADVANCE_EXCEEDS_REMAINING'
  /** pay amount is larger than the remaining (unpaid) amount. */
  | 'PAYMENT_EXCEEDS_REMAINING'
  /** fund, decline or withdraw: no open request of this holder to this financier. */
  | 'FINANCE_REQUEST_NOT_FOUND'
  /** fund of a request made by an earlier holder: the receivable changed hands since. */
  | 'FINANCE_REQUEST_STALE';
