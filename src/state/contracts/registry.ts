import type { Payload, Role } from '../../types/primitives.js';
import { invariant } from '../../util/errors.js';
import type { AnyTxHandler } from '../types.js';
import { ACCOUNTS_HANDLERS } from './accounts/accounts-handlers.js';
import { ASSET_HANDLERS } from './asset/asset-handlers.js';
import { INVOICE_HANDLERS } from './invoice/invoice-handlers.js';

/**
 * Transaction type → handler: the one place new transaction types are added.
 *
 * The built-in contracts (native, synchronous handlers in the Substrate FRAME style):
 * - accounts/ — account.register, account.rotate, account.setrole, member.propose, member.vote;
 * - invoice/ — invoice.issue, accept, transfer, split, finance, repay, pay, cancel, freeze, unfreeze;
 * - asset/ — asset.register, transfer, pledge, release, freeze, unfreeze.
 * Each handler declares its docs/transactions.md type name (never changes), the roles that may submit it
 * (checked by the mempool and again by the executor), a hand-written payload validator and
 * execute(ctx, payload) → TxResult. Rejections are values with stable codes declared per
 * contract in <name>/errors.ts (common ones in common-errors.ts) and are never thrown.
 * State keys are spelled only in <name>/keys.ts; records are positional msgpack tuples.
 * Adding a type: write the handler file, add it to its contract's *-handlers.ts list, add its
 * codes to errors.ts and a scenario per code to test/unit/state/contracts/error-codes.test.ts
 * (the table there is typed exhaustively, so a code without a test fails typecheck).
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

/**
 * Why the contract of `type` refuses `payload` ({field, reason}), or null when its validator
 * accepts it or no contract handles the type (admission refuses those as UNKNOWN_TX_TYPE).
 */
export function payloadProblem(type: string, payload: Payload): { field: string; reason: string } | null {
  const r = TX_HANDLERS.get(type)?.validate(payload);
  return r === undefined || r.ok ? null : { field: r.detail.field, reason: r.detail.reason };
}

/** Roles allowed to submit a type; undefined for unknown types (the mempool's precheck). */
export function rolesFor(type: string): readonly Role[] | undefined {
  return TX_HANDLERS.get(type)?.roles;
}
