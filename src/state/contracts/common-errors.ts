/**
 * Rejections shared by every contract (docs/conventions.md, Errors kind 1): recorded in the
 * receipt, never thrown; the signer's nonce advances and nothing else changes.
 */
export type CommonErrorCode =
  /** No contract handles this transaction type. */
  | 'UNKNOWN_TX_TYPE'
  /** The signer's role may not submit this transaction type (docs/transactions.md, Roles). */
  | 'ROLE_NOT_ALLOWED'
  /** The payload does not match the type's schema; detail names the field and the reason. */
  | 'PAYLOAD_INVALID'
  /** A party named in the payload (buyer, to, financier, ...) is not an account; detail.field names it. */
  | 'PARTY_NOT_FOUND'
  /** A party named in the payload has a role that could never act on the object (e.g. an auditor as buyer). */
  | 'PARTY_ROLE_NOT_ALLOWED';
