import type { TxContext, TxResult } from '../../types.js';
import { reject } from '../tx-result.js';
import { loadInvoice, type Invoice } from './types.js';

// Checks shared by the invoice handlers, in the order every handler applies them:
// exists (INVOICE_NOT_FOUND) → not frozen (INVOICE_FROZEN) → right actor → right status →
// amounts and parties. A frozen invoice therefore reports INVOICE_FROZEN to everyone.

/** The first two checks of every changing handler: the invoice exists and is not frozen. */
export function loadUnfrozen(ctx: TxContext, id: string): Invoice | TxResult {
  const inv = loadInvoice(ctx.state, id);
  if (inv === undefined) return reject('INVOICE_NOT_FOUND', { id });
  if (inv.frozen) return reject('INVOICE_FROZEN', { id });
  return inv;
}

/** True for statuses that accept no further change. */
export function isClosed(inv: Invoice): boolean {
  return inv.status === 'split' || inv.status === 'paid' || inv.status === 'cancelled';
}

/** For transfer and split: accepted and not financed. */
export function checkTradable(inv: Invoice): TxResult | null {
  if (inv.status === 'accepted') return null;
  if (inv.status === 'issued') return reject('INVOICE_NOT_ACCEPTED', { id: inv.id });
  if (inv.status === 'financed') return reject('INVOICE_FINANCED', { id: inv.id });
  return reject('INVOICE_CLOSED', { id: inv.id, status: inv.status });
}

/** The invoice with `changes` applied and stamped with the current height. */
export function changed(ctx: TxContext, inv: Invoice, changes: Partial<Invoice>): Invoice {
  return { ...inv, ...changes, updatedHeight: ctx.height };
}

/** Remaining (unpaid) amount. */
export function remaining(inv: Invoice): bigint {
  return inv.amount - inv.paid;
}
