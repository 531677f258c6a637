import { testLedger, type TestLedger } from '../../../helpers/test-ledger.js';

/** The cast of the contract tests (the devnet's ready-made accounts). */
export const CAST = {
  supplier: 'integrator', supplier2: 'integrator', buyer: 'integrator', financier: 'integrator', financier2: 'integrator',
  auditor: 'auditor', regulator: 'regulator',
} as const;

/** A ledger with the cast and `members` genesis members (member0...). */
export function castLedger(members = 1): TestLedger {
  return testLedger({ accounts: CAST, members });
}

/** invoice.issue by supplier to buyer: amount 1000 EUR, fingerprint 'fp-<id>'. */
export function issue(l: TestLedger, id = 'INV-1', amount = '1000', as = 'supplier'): void {
  l.ok({ as, type: 'invoice.issue', payload: { id, buyer: l.id('buyer'), amount, currency: 'EUR', dueDate: '2027-01-31', fingerprint: `fp-${id}` } });
}

/** Issued and accepted by the buyer. */
export function accepted(l: TestLedger, id = 'INV-1', amount = '1000'): void {
  issue(l, id, amount);
  l.ok({ as: 'buyer', type: 'invoice.accept', payload: { id } });
}

/** The holder `as` asks `financier` to finance `id`, and the financier accepts. */
export function financeAgreed(l: TestLedger, id: string, as: string, financier: string, advance: string): void {
  l.ok({ as, type: 'invoice.finance', payload: { id, financier: l.id(financier), advance } });
  l.ok({ as: financier, type: 'invoice.fund', payload: { id } });
}

/** Accepted and financed by `financier` with an advance of 900 (request and acceptance). */
export function financed(l: TestLedger, id = 'INV-1'): void {
  accepted(l, id);
  financeAgreed(l, id, 'supplier', 'financier', '900');
}

/** Split by supplier into two parts of 400/600 held by supplier and supplier2. */
export function split(l: TestLedger, id = 'INV-1'): void {
  accepted(l, id);
  l.ok({
    as: 'supplier', type: 'invoice.split',
    payload: { id, parts: [{ id: `${id}.a`, to: l.id('supplier'), amount: '400' }, { id: `${id}.b`, to: l.id('supplier2'), amount: '600' }] },
  });
}

/** asset.register by supplier: id, kind 'warehouse-receipt', fingerprint 'doc-<id>'. */
export function asset(l: TestLedger, id = 'A-1', as = 'supplier'): void {
  l.ok({ as, type: 'asset.register', payload: { id, kind: 'warehouse-receipt', fingerprint: `doc-${id}`, metadata: { tons: 12 } } });
}

/** A 32-byte key that is canonical hex but a small-order point (the identity): never valid. */
export const SMALL_ORDER_KEY = '01' + '00'.repeat(31);
