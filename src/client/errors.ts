import { LedgerError } from '../util/errors.js';

/** Codes the client adds to the server's own (which arrive unchanged from the error envelope). */
export type ClientErrorCode = 'NETWORK_ERROR' | 'TIMEOUT' | 'BAD_RESPONSE';

/**
 * A request that did not succeed: the server's error envelope code and message with the HTTP
 * status, or a client-side failure (status 0) such as an unreachable node or a timeout.
 */
export class LedgerClientError extends LedgerError<string> {
  /** HTTP status; 0 when no answer arrived. */
  readonly status: number;

  constructor(code: ClientErrorCode | (string & {}), message: string, status: number) {
    super(code, message, { status });
    this.name = 'LedgerClientError';
    this.status = status;
  }
}
