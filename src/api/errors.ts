import { LedgerError } from '../util/errors.js';

// The one table from error codes to HTTP statuses (docs/conventions.md, Errors kind 2). Every code
// the API can answer with is here, so the OpenAPI document lists them all (schemas/error.ts)
// and a test checks each route answers only with these. A 5xx is always a bug.

/** Every error code the API answers with, its HTTP status and what it means. */
export const API_ERRORS = {
  VALIDATION_FAILED: { status: 400, description: 'A parameter or body field does not match the schema.' },
  INVALID_JSON: { status: 400, description: 'The body is not valid JSON.' },
  BAD_REQUEST: { status: 400, description: 'The request is malformed in some other way.' },
  INVALID_CURSOR: { status: 400, description: 'The cursor was not made by this list (pass the previous page\'s nextCursor unchanged, with the same filters).' },
  DECODE_MALFORMED: { status: 400, description: 'The transaction cannot be decoded.' },
  DECODE_TOO_LARGE: { status: 400, description: 'The transaction exceeds the size limit.' },
  DECODE_NON_CANONICAL: { status: 400, description: 'The transaction is not in canonical form.' },
  DECODE_BAD_FIELD: { status: 400, description: 'A transaction field has the wrong type, size or format.' },
  WRONG_CHAIN_ID: { status: 400, description: 'The chain id is not this chain.' },
  BAD_SIGNATURE: { status: 400, description: 'The signature does not verify for the signer.' },
  UNKNOWN_SIGNER: { status: 400, description: 'The signer is not the current key of any account.' },
  ROLE_NOT_ALLOWED: { status: 400, description: 'The signer\'s role may not submit this transaction type.' },
  UNKNOWN_TX_TYPE: { status: 400, description: 'No contract handles this transaction type.' },
  PAYLOAD_INVALID: { status: 400, description: 'The payload is refused by its transaction type\'s contract validator (docs/transactions.md); the message names the field.' },
  NONCE_TOO_LOW: { status: 400, description: 'The nonce was already used (a replay).' },
  NONCE_TOO_HIGH: { status: 400, description: 'The nonce is too far ahead of the signer\'s next nonce.' },
  DUPLICATE_TX: { status: 400, description: 'This transaction, or another with its signer and nonce, is already pending.' },
  UNAUTHORIZED: { status: 401, description: 'A read needs a valid token signed by the current key of a registered account (Authorization: Bearer).' },
  NOT_FOUND: { status: 404, description: 'No such route or resource.' },
  TX_UNKNOWN: { status: 404, description: 'The node has never seen this transaction hash.' },
  BODY_TOO_LARGE: { status: 413, description: 'The body exceeds the size limit.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, description: 'The body must be application/json.' },
  RATE_LIMITED: { status: 429, description: 'Too many requests from this address; retry after the Retry-After delay.' },
  POOL_FULL: { status: 429, description: 'The transaction pool is full (back-pressure); retry later.' },
  TOO_MANY_SUBSCRIBERS: { status: 429, description: 'The node serves its maximum number of event streams.' },
  NODE_NOT_READY: { status: 503, description: 'The node is starting (or its consensus halted) and cannot accept transactions.' },
  NODE_SYNCING: { status: 503, description: 'The node is catching up from peers (GET /v1/status: syncing, targetHeight, syncProgress) and accepts transactions once ready; reads answer what it holds so far.' },
  COMMIT_IN_PROGRESS: { status: 503, description: 'The block certifying the answer is still being written (blocks committed together are stored one by one); retry in a moment.' },
  INTERNAL_ERROR: { status: 500, description: 'A bug in the node; the message is generic and the log has the details.' },
} as const satisfies Record<string, { status: number; description: string }>;

/** One of the codes of API_ERRORS. */
export type ApiErrorCode = keyof typeof API_ERRORS;

/** Every code, in table order (for the OpenAPI enum). */
export const API_ERROR_CODES = Object.keys(API_ERRORS) as ApiErrorCode[];

/**
 * Codes a submission may be refused with: the mempool's AdmissionCode (src/state/mempool/errors.ts,
 * kept equal by a type test) plus the node's own NODE_NOT_READY and NODE_SYNCING.
 */
export type SubmitRejectCode = Extract<
  ApiErrorCode,
  | 'WRONG_CHAIN_ID' | 'BAD_SIGNATURE' | 'UNKNOWN_SIGNER' | 'ROLE_NOT_ALLOWED' | 'UNKNOWN_TX_TYPE' | 'PAYLOAD_INVALID'
  | 'NONCE_TOO_LOW' | 'NONCE_TOO_HIGH' | 'DUPLICATE_TX' | 'POOL_FULL' | 'NODE_NOT_READY' | 'NODE_SYNCING'
>;

/** An error a route throws on purpose; the root error handler answers it with its table status. */
export class ApiError extends LedgerError<ApiErrorCode> {
  /** HTTP status from API_ERRORS. */
  readonly statusCode: number;

  constructor(code: ApiErrorCode, message: string, fields: Record<string, unknown> = {}) {
    super(code, message, fields);
    this.name = 'ApiError';
    this.statusCode = API_ERRORS[code].status;
  }
}

/** True for a code of the table (a guard for codes arriving from other modules at run time). */
export function isApiErrorCode(code: string): code is ApiErrorCode {
  return Object.prototype.hasOwnProperty.call(API_ERRORS, code);
}
