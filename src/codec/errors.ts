import { LedgerError } from '../util/errors.js';

/** Why bytes were refused. */
export type DecodeErrorCode =
  | 'DECODE_MALFORMED'
  | 'DECODE_TOO_LARGE'
  | 'DECODE_NON_CANONICAL'
  | 'DECODE_BAD_FIELD';

/** The only error any decodeX throws (bad bytes from a peer, a client or a corrupt disk). */
export class DecodeError extends LedgerError<DecodeErrorCode> {
  constructor(code: DecodeErrorCode, message: string, fields: Record<string, unknown> = {}) {
    super(code, message, fields);
    this.name = 'DecodeError';
  }
}
