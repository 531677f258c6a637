import { LedgerError } from '../util/errors.js';

/**
 * Every code the node's REST API answers with (its error envelope's `error.code`; docs/api.md,
 * Error codes). A type test keeps this list equal to the server's table.
 */
export const SERVER_ERROR_CODES = [
  'VALIDATION_FAILED', 'INVALID_JSON', 'BAD_REQUEST', 'INVALID_CURSOR', 'DECODE_MALFORMED', 'DECODE_TOO_LARGE', 'DECODE_NON_CANONICAL',
  'DECODE_BAD_FIELD', 'WRONG_CHAIN_ID', 'BAD_SIGNATURE', 'UNKNOWN_SIGNER', 'ROLE_NOT_ALLOWED', 'UNKNOWN_TX_TYPE', 'PAYLOAD_INVALID',
  'NONCE_TOO_LOW', 'NONCE_TOO_HIGH', 'DUPLICATE_TX', 'UNAUTHORIZED', 'NOT_FOUND', 'TX_UNKNOWN', 'BODY_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE', 'RATE_LIMITED', 'POOL_FULL', 'TOO_MANY_SUBSCRIBERS', 'NODE_NOT_READY', 'NODE_SYNCING', 'COMMIT_IN_PROGRESS',
  'INTERNAL_ERROR',
] as const;

/** A code of the server's error envelope. */
export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[number];

/** Codes the client adds to the server's own. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'TIMEOUT' | 'BAD_RESPONSE';

/** Every code a LedgerClientError carries: switch on it exhaustively. */
export type LedgerErrorCode = ServerErrorCode | ClientErrorCode;

const SERVER_CODES: ReadonlySet<string> = new Set(SERVER_ERROR_CODES);

/** True for a code of the server's table. */
export function isServerErrorCode(code: string): code is ServerErrorCode {
  return SERVER_CODES.has(code);
}

/**
 * A request that did not succeed: the server's error envelope code and message with the HTTP
 * status, or a client-side failure (status 0) such as an unreachable node or a timeout.
 */
export class LedgerClientError extends LedgerError<LedgerErrorCode> {
  /** HTTP status; 0 when no answer arrived. */
  readonly status: number;

  constructor(code: LedgerErrorCode, message: string, status: number) {
    super(code, message, { status });
    this.name = 'LedgerClientError';
    this.status = status;
  }
}
