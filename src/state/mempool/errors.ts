/** Why the pool refused a transaction (mapped to HTTP status by api/errors.ts). */
export type AdmissionCode =
  /** Envelope chain id is not this chain's. */
  | 'WRONG_CHAIN_ID'
  /** The signature does not verify against the signer key. */
  | 'BAD_SIGNATURE'
  /** The signer key is not the current key of any account. */
  | 'UNKNOWN_SIGNER'
  /** The signer's role may not submit this transaction type. */
  | 'ROLE_NOT_ALLOWED'
  /** No contract handles this type. */
  | 'UNKNOWN_TX_TYPE'
  /** The payload is refused by its contract's validator (docs/transactions.md lists each type's fields). */
  | 'PAYLOAD_INVALID'
  /** The nonce was already used (committed), i.e. a replay. */
  | 'NONCE_TOO_LOW'
  /** The nonce is too far ahead of the signer's next nonce. */
  | 'NONCE_TOO_HIGH'
  /** The same transaction (or the same signer and nonce) is already pending. */
  | 'DUPLICATE_TX'
  /** The pool is at capacity: back-pressure, retry later. */
  | 'POOL_FULL';

/** Result of admission. */
export type Admission =
  | {
      readonly ok: true;
      readonly hash: Uint8Array;
      /** The pool was empty just before this transaction entered: an idle leader should wake. */
      readonly poolWasEmpty: boolean;
    }
  | { readonly ok: false; readonly code: AdmissionCode; readonly message: string };
