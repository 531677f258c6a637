import { readTuple } from '../../../codec/read.js';
import { invariant } from '../../../util/errors.js';
import type { AccountId } from '../../types.js';
import { readRecord, type Overlay, type StateReader } from '../../view.js';
import { amount, bool, int, packRecord, str, strList, strOrNull, unpackList, unpackRecord } from '../state-record.js';
import { invoiceFinanceRequestsKey, invoiceFinancingKey, invoiceKey } from './keys.js';

/** Lifecycle (docs/transactions.md, Invoice state machine): issued → accepted → (financed ⇄ accepted) → paid; accepted → split; issued → cancelled. */
export type InvoiceStatus = 'issued' | 'accepted' | 'split' | 'financed' | 'paid' | 'cancelled';

/** A receivable: an original invoice or a part created by invoice.split. */
export interface Invoice {
  readonly id: string;
  /** Who issued the original invoice (parts keep it). */
  readonly seller: AccountId;
  readonly buyer: AccountId;
  readonly holder: AccountId;
  /** Face amount of this receivable, minor units. */
  readonly amount: bigint;
  /** Paid so far; remaining = amount - paid. */
  readonly paid: bigint;
  readonly currency: string;
  /** YYYY-MM-DD. */
  readonly dueDate: string;
  /** Fingerprint of the real invoice (parts carry their root's). */
  readonly fingerprint: string;
  readonly status: InvoiceStatus;
  readonly frozen: boolean;
  readonly frozenReason: string | null;
  /** Set while financed (and kept once paid while financed). */
  readonly financier: AccountId | null;
  readonly advance: bigint | null;
  /** The invoice this part was split from; null for an original invoice. */
  readonly parent: string | null;
  /** The original invoice; its own id for an original invoice. */
  readonly root: string;
  /** First unit of this receivable within the root's face amount: it covers [offset, offset + amount). */
  readonly offset: bigint;
  /** Ids of the parts, once split. */
  readonly parts: readonly string[];
  readonly createdHeight: number;
  readonly updatedHeight: number;
}

const STATUSES: readonly string[] = ['issued', 'accepted', 'split', 'financed', 'paid', 'cancelled'];

/** Tuple in field order of Invoice; amounts as decimal strings. */
export function encodeInvoice(i: Invoice): Uint8Array {
  return packRecord([
    i.id, i.seller, i.buyer, i.holder, i.amount.toString(), i.paid.toString(), i.currency, i.dueDate, i.fingerprint,
    i.status, i.frozen, i.frozenReason, i.financier, i.advance === null ? null : i.advance.toString(), i.parent, i.root,
    i.offset.toString(), i.parts, i.createdHeight, i.updatedHeight,
  ]);
}

/** Inverse of encodeInvoice. */
export function decodeInvoice(bytes: Uint8Array): Invoice {
  const t = unpackRecord(bytes, 'invoice', 20);
  const status = str(t[9], 'invoice.status');
  invariant(STATUSES.includes(status), 'invoice.status: unknown status in stored record');
  return {
    id: str(t[0], 'invoice.id'), seller: str(t[1], 'invoice.seller'), buyer: str(t[2], 'invoice.buyer'),
    holder: str(t[3], 'invoice.holder'), amount: amount(t[4], 'invoice.amount'), paid: amount(t[5], 'invoice.paid'),
    currency: str(t[6], 'invoice.currency'), dueDate: str(t[7], 'invoice.dueDate'), fingerprint: str(t[8], 'invoice.fingerprint'),
    status: status as InvoiceStatus, frozen: bool(t[10], 'invoice.frozen'), frozenReason: strOrNull(t[11], 'invoice.frozenReason'),
    financier: strOrNull(t[12], 'invoice.financier'), advance: t[13] === null ? null : amount(t[13], 'invoice.advance'),
    parent: strOrNull(t[14], 'invoice.parent'), root: str(t[15], 'invoice.root'), offset: amount(t[16], 'invoice.offset'),
    parts: strList(t[17], 'invoice.parts'), createdHeight: int(t[18], 'invoice.createdHeight'), updatedHeight: int(t[19], 'invoice.updatedHeight'),
  };
}

/** Reads an invoice. */
export function loadInvoice(state: StateReader, id: string): Invoice | undefined {
  return readRecord(state, invoiceKey(id), decodeInvoice);
}

/** Writes an invoice. */
export function saveInvoice(state: Overlay, inv: Invoice): void {
  state.putRecord(invoiceKey(inv.id), inv, encodeInvoice, decodeInvoice);
}

/** One financed range of a root's face amount. */
export interface FinancedRange {
  readonly start: bigint;
  /** Exclusive. */
  readonly end: bigint;
  /** The receivable that was financed. */
  readonly invoiceId: string;
  readonly height: number;
}

/** Tuple list [[start, end, invoiceId, height], ...], sorted by start. */
export function encodeFinancingLedger(ranges: readonly FinancedRange[]): Uint8Array {
  return packRecord(ranges.map((r) => [r.start.toString(), r.end.toString(), r.invoiceId, r.height]));
}

/** Inverse of encodeFinancingLedger. */
export function decodeFinancingLedger(bytes: Uint8Array): FinancedRange[] {
  return unpackList(bytes, 'financingLedger').map((r) => {
    const x = readTuple(r, 'range', 4);
    return { start: amount(x[0], 'range.start'), end: amount(x[1], 'range.end'), invoiceId: str(x[2], 'range.invoiceId'), height: int(x[3], 'range.height') };
  });
}

/** The financing ledger of a root (empty when nothing was ever financed). */
export function loadFinancingLedger(state: StateReader, rootId: string): readonly FinancedRange[] {
  return readRecord(state, invoiceFinancingKey(rootId), decodeFinancingLedger) ?? [];
}

/** A holder's open request that `financier` finance a receivable with `advance`. */
export interface FinanceRequest {
  readonly financier: AccountId;
  /** The holder who asked: a request does not survive a change of holder (FINANCE_REQUEST_STALE). */
  readonly holder: AccountId;
  readonly advance: bigint;
  readonly height: number;
}

/** Tuple list [[financier, holder, advance, height], ...], sorted by financier. */
export function encodeFinanceRequests(reqs: readonly FinanceRequest[]): Uint8Array {
  return packRecord(reqs.map((r) => [r.financier, r.holder, r.advance.toString(), r.height]));
}

/** Inverse of encodeFinanceRequests. */
export function decodeFinanceRequests(bytes: Uint8Array): FinanceRequest[] {
  return unpackList(bytes, 'financeRequests').map((r) => {
    const x = readTuple(r, 'financeRequest', 4);
    return { financier: str(x[0], 'request.financier'), holder: str(x[1], 'request.holder'), advance: amount(x[2], 'request.advance'), height: int(x[3], 'request.height') };
  });
}

/** The open financing requests on a receivable. */
export function loadFinanceRequests(state: StateReader, id: string): readonly FinanceRequest[] {
  return readRecord(state, invoiceFinanceRequestsKey(id), decodeFinanceRequests) ?? [];
}

/** Writes the open requests of a receivable (deletes the record when none are left). */
export function saveFinanceRequests(state: Overlay, id: string, reqs: readonly FinanceRequest[]): void {
  if (reqs.length === 0) state.delete(invoiceFinanceRequestsKey(id));
  else state.put(invoiceFinanceRequestsKey(id), encodeFinanceRequests([...reqs].sort((a, b) => (a.financier < b.financier ? -1 : a.financier > b.financier ? 1 : 0))));
}
