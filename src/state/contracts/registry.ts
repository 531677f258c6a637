import type { Role } from '../../types/primitives.js';
import { invariant } from '../../util/errors.js';
import type { AnyTxHandler } from '../types.js';
import { ACCOUNTS_HANDLERS } from './accounts/accounts-handlers.js';
import { ASSET_HANDLERS } from './asset/asset-handlers.js';
import { INVOICE_HANDLERS } from './invoice/invoice-handlers.js';

/**
 * Transaction type → handler: the one place new transaction types are added. Type names are
 * the SPEC.md names and never change.
 */
export const TX_HANDLERS: ReadonlyMap<string, AnyTxHandler> = (() => {
  const m = new Map<string, AnyTxHandler>();
  for (const h of [...ACCOUNTS_HANDLERS, ...INVOICE_HANDLERS, ...ASSET_HANDLERS]) {
    invariant(!m.has(h.type), `duplicate handler for ${h.type}`);
    m.set(h.type, h);
  }
  return m;
})();

/** Every transaction type, in registry order. */
export const TX_TYPES: readonly string[] = [...TX_HANDLERS.keys()];

/** The handler of a type, or undefined. */
export function handlerFor(type: string): AnyTxHandler | undefined {
  return TX_HANDLERS.get(type);
}

/** Roles allowed to submit a type; undefined for unknown types (the mempool's precheck). */
export function rolesFor(type: string): readonly Role[] | undefined {
  return TX_HANDLERS.get(type)?.roles;
}
