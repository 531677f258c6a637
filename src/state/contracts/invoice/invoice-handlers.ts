import type { AnyTxHandler } from '../../types.js';
import { acceptInvoice } from './accept.js';
import { acceptFinancing, declineFinancing } from './fund.js';
import { cancelInvoice } from './cancel.js';
import { financeInvoice } from './finance.js';
import { freezeInvoice } from './freeze.js';
import { issueInvoice } from './issue.js';
import { payInvoice } from './pay.js';
import { repayInvoice } from './repay.js';
import { splitInvoice } from './split.js';
import { transferInvoice } from './transfer.js';
import { unfreezeInvoice } from './unfreeze.js';
import { withdrawFinancing } from './withdraw.js';

/**
 * Invoice contract: supply-chain-finance receivables (docs/transactions.md, Invoices).
 *
 * One handler per file: issue, accept, transfer, split, finance (the holder's request),
 * fund / decline (the financier's answer), withdraw (the holder's), repay, pay,
 * cancel, freeze, unfreeze; shared checks in guards.ts, records in types.ts, keys in keys.ts.
 * State: 'inv/<id>' receivables (original invoices and split parts), 'invfp/<fp>' the
 * fingerprints ever registered, 'invfin/<rootId>' each original invoice's financing ledger,
 * 'invfr/<id>' the open financing requests on a receivable.
 * Invariants:
 * - a fingerprint is registered at most once, forever (cancel does not free it);
 * - split parts sum to the parent's remaining amount and partition its unpaid unit range;
 * - no amount unit of an original invoice is ever financed twice (finance.ts explains how);
 * - a frozen invoice accepts no change but unfreeze.
 * History: every change emits an 'invoice' event (who, what, height, tx hash).
 * Tests: test/unit/state/contracts/invoice*.test.ts, invoice-properties.test.ts (fast-check).
 */
export const INVOICE_HANDLERS: readonly AnyTxHandler[] = [
  issueInvoice, acceptInvoice, transferInvoice, splitInvoice, financeInvoice, acceptFinancing, declineFinancing, withdrawFinancing,
  repayInvoice, payInvoice, cancelInvoice, freezeInvoice, unfreezeInvoice,
];
