import type { Role } from '../../types/primitives.js';
import type { AccountId, TxResult } from '../types.js';
import type { StateReader } from '../view.js';
import { loadAccount } from './accounts/types.js';
import { reject } from './tx-result.js';

/** Roles that can act on invoices (hold, buy, finance): integrators submit business transactions. */
export const INVOICE_PARTY_ROLES: readonly Role[] = ['integrator'];
/** Roles that can own or take a pledge of an asset: whoever may register one. */
export const ASSET_PARTY_ROLES: readonly Role[] = ['integrator', 'member'];

/**
 * Checks that a payload party names an account whose role could act on the object; a
 * transfer to an auditor, say, would strand it. Returns the rejection, or null when fine.
 */
export function checkParty(state: StateReader, id: AccountId, field: string, roles: readonly Role[]): TxResult | null {
  const acct = loadAccount(state, id);
  if (acct === undefined) return reject('PARTY_NOT_FOUND', { field, id });
  if (!roles.includes(acct.role)) return reject('PARTY_ROLE_NOT_ALLOWED', { field, role: acct.role });
  return null;
}
