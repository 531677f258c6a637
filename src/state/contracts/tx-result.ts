import type { TxErrorCode, TxErrorDetail, TxResult } from '../types.js';

/** The one success value (shared: results carry no data). */
export const OK: TxResult = { ok: true };

/** A business rejection (docs/conventions.md, Errors kind 1). */
export function reject(code: TxErrorCode, detail?: TxErrorDetail): TxResult {
  return detail === undefined ? { ok: false, code } : { ok: false, code, detail };
}
