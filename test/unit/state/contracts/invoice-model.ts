import fc from 'fast-check';
import type { TestLedger, TestTx } from '../../../helpers/test-ledger.js';

// An independent model of the invoice rules (docs/transactions.md, Invoices) for model-based property
// tests: it predicts whether each random operation must succeed, and keeps the split tree,
// which is all the double-financing oracle needs (parts partition their parent's amount, so two
// receivables share amount units iff one is an ancestor of, or the same as, the other).

/** Integrator actors of the model runs. */
export const ACTORS = ['supplier', 'supplier2', 'buyer', 'financier', 'financier2'] as const;

/** A random operation; indices are reduced modulo what exists when it runs. */
export type Op =
  | { k: 'issue'; actor: number; buyer: number; amount: number; fp: number }
  | { k: 'accept' | 'repay' | 'cancel'; actor: number; right: boolean; inv: number }
  | { k: 'transfer'; actor: number; right: boolean; inv: number; to: number }
  | { k: 'split'; actor: number; right: boolean; inv: number; weights: number[]; skew: boolean }
  | { k: 'finance'; actor: number; right: boolean; inv: number; fin: number; /** Percent of the remaining amount. */ adv: number }
  | { k: 'acceptFin' | 'declineFin'; actor: number; right: boolean; inv: number }
  | { k: 'withdrawFin'; actor: number; right: boolean; inv: number; fin: number }
  | { k: 'pay'; actor: number; right: boolean; inv: number; amt: number }
  | { k: 'freeze'; inv: number };

const actor = fc.integer({ min: 0, max: ACTORS.length - 1 });
// `right` picks the actor the rules require most of the time, so sequences get deep; otherwise a random one (often wrong).
const right = fc.integer({ min: 0, max: 99 }).map((n) => n < 85);
const inv = fc.nat({ max: 1000 });

/** Operations weighted towards the financing paths. */
export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ k: fc.constant('issue' as const), actor, buyer: actor, amount: fc.integer({ min: 1, max: 1000 }), fp: fc.nat({ max: 7 }) }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('accept' as const), actor, right, inv }), weight: 4 },
  { arbitrary: fc.record({ k: fc.constant('repay' as const), actor, right, inv }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('cancel' as const), actor, right, inv }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('transfer' as const), actor, right, inv, to: actor }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('split' as const), actor, right, inv, weights: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 3 }), skew: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ k: fc.constant('finance' as const), actor, right, inv, fin: actor, adv: fc.integer({ min: 1, max: 110 }) }), weight: 5 },
  { arbitrary: fc.record({ k: fc.constant('acceptFin' as const), actor, right, inv }), weight: 4 },
  { arbitrary: fc.record({ k: fc.constant('declineFin' as const), actor, right, inv }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('withdrawFin' as const), actor, right, inv, fin: actor }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('pay' as const), actor, right, inv, amt: fc.integer({ min: 1, max: 600 }) }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('freeze' as const), inv }), weight: 1 },
);

const SUITS: Record<Exclude<Op['k'], 'issue' | 'freeze'>, readonly string[]> = {
  accept: ['issued'], cancel: ['issued'], repay: ['financed'], transfer: ['accepted'], split: ['accepted'], finance: ['accepted'], pay: ['accepted', 'financed'],
  acceptFin: ['accepted'], declineFin: ['accepted'], withdrawFin: ['accepted'],
};

interface ModelInvoice {
  readonly id: string;
  readonly seller: string;
  readonly buyer: string;
  holder: string;
  readonly amount: number;
  paid: number;
  status: 'issued' | 'accepted' | 'split' | 'financed' | 'paid' | 'cancelled';
  financier: string | null;
  /** Open financing requests: financier → the holder who asked and the advance. */
  readonly requests: Map<string, { holder: string; adv: number }>;
  frozen: boolean;
  readonly parent: ModelInvoice | null;
  readonly children: ModelInvoice[];
  /** Successful actions, in order: what its history must say. */
  readonly actions: string[];
}

/** The model state of one run. */
export class InvoiceModel {
  readonly invoices: ModelInvoice[] = [];
  readonly usedFingerprints = new Set<string>();
  /** Receivables financed so far (the oracle's record). */
  readonly financed: ModelInvoice[] = [];
  #next = 0;

  /** The rules a financing request must meet when made and again when accepted. */
  financeable(x: ModelInvoice, fin: string, adv: number): boolean {
    const overlaps = this.financed.some((y) => isAncestorOrSelf(y, x) || isAncestorOrSelf(x, y));
    return x.status === 'accepted' && !overlaps && fin !== x.holder && adv <= x.amount - x.paid;
  }

  /** Turns an op into a transaction and the model's prediction; apply(ok) must follow. */
  plan(l: TestLedger, op: Op): { tx: TestTx; expectOk: boolean; apply: () => void } | null {
    if (op.k === 'issue') {
      const id = `I${this.#next++}`;
      const seller = ACTORS[op.actor] as string;
      const buyer = ACTORS[op.buyer] as string;
      const fp = `fp${op.fp}`;
      const expectOk = !this.usedFingerprints.has(fp) && seller !== buyer;
      const tx = { as: seller, type: 'invoice.issue', payload: { id, buyer: l.id(buyer), amount: String(op.amount), currency: 'EUR', dueDate: '2027-06-30', fingerprint: fp } };
      return {
        tx, expectOk, apply: () => {
          this.usedFingerprints.add(fp);
          this.invoices.push({ id, seller, buyer, holder: seller, amount: op.amount, paid: 0, status: 'issued', financier: null, requests: new Map(), frozen: false, parent: null, children: [], actions: ['issued'] });
        },
      };
    }
    // Mostly pick an invoice whose status suits the operation (deep paths), sometimes any.
    const asked = op.k === 'acceptFin' || op.k === 'declineFin' || op.k === 'withdrawFin';
    const suits = op.k === 'freeze' || !op.right ? this.invoices : this.invoices.filter((i) => SUITS[op.k].includes(i.status) && (!asked || i.requests.size > 0));
    const x = suits[op.inv % Math.max(1, suits.length)];
    if (x === undefined) return null;
    const remaining = x.amount - x.paid;
    const who = (required: string | null, o: { actor: number; right: boolean }): string =>
      (o.right && required !== null ? required : (ACTORS[o.actor] as string));
    switch (op.k) {
      case 'freeze': {
        const type = x.frozen ? 'invoice.unfreeze' : 'invoice.freeze';
        return { tx: { as: 'regulator', type, payload: { id: x.id } }, expectOk: true, apply: () => { x.frozen = !x.frozen; x.actions.push(x.frozen ? 'frozen' : 'unfrozen'); } };
      }
      case 'accept': {
        const as = who(x.buyer, op);
        return { tx: { as, type: 'invoice.accept', payload: { id: x.id } }, expectOk: !x.frozen && as === x.buyer && x.status === 'issued', apply: () => { x.status = 'accepted'; x.actions.push('accepted'); } };
      }
      case 'cancel': {
        const as = who(x.seller, op);
        return { tx: { as, type: 'invoice.cancel', payload: { id: x.id } }, expectOk: !x.frozen && as === x.seller && x.status === 'issued', apply: () => { x.status = 'cancelled'; x.actions.push('cancelled'); } };
      }
      case 'repay': {
        const as = who(x.financier, op);
        return {
          tx: { as, type: 'invoice.repay', payload: { id: x.id } }, expectOk: !x.frozen && x.status === 'financed' && as === x.financier,
          apply: () => { x.status = 'accepted'; x.financier = null; x.actions.push('repaid'); },
        };
      }
      case 'transfer': {
        const as = who(x.holder, op);
        const to = ACTORS[op.to] as string;
        return {
          tx: { as, type: 'invoice.transfer', payload: { id: x.id, to: l.id(to) } }, expectOk: !x.frozen && as === x.holder && x.status === 'accepted' && to !== x.holder,
          apply: () => { x.holder = to; x.actions.push('transferred'); },
        };
      }
      case 'pay': {
        const as = who(x.buyer, op);
        const amt = Math.min(op.amt, remaining + 1);
        return {
          tx: { as, type: 'invoice.pay', payload: { id: x.id, amount: amt } },
          expectOk: !x.frozen && as === x.buyer && (x.status === 'accepted' || x.status === 'financed') && amt <= remaining,
          apply: () => { x.paid += amt; if (x.paid === x.amount) x.status = 'paid'; x.actions.push('paid'); },
        };
      }
      case 'split': {
        const as = who(x.holder, op);
        const total = op.weights.reduce((a, b) => a + b, 0);
        const amounts = op.weights.map((w) => Math.floor((remaining * w) / total));
        amounts[amounts.length - 1] = remaining - amounts.slice(0, -1).reduce((a, b) => a + b, 0);
        if (op.skew) amounts[0] = (amounts[0] as number) + 1;
        const parts = amounts.map((amount, i) => ({ id: `${x.id}.${i}`, to: l.id(ACTORS[(op.actor + i) % ACTORS.length] as string), holder: ACTORS[(op.actor + i) % ACTORS.length] as string, amount }));
        const payloadOk = amounts.every((a) => a >= 1);
        return {
          tx: { as, type: 'invoice.split', payload: { id: x.id, parts: parts.map((p) => ({ id: p.id, to: p.to, amount: p.amount })) } },
          expectOk: payloadOk && !x.frozen && as === x.holder && x.status === 'accepted' && !op.skew,
          apply: () => {
            x.status = 'split';
            x.actions.push('split');
            for (const p of parts) {
              const child: ModelInvoice = { id: p.id, seller: x.seller, buyer: x.buyer, holder: p.holder, amount: p.amount, paid: 0, status: 'accepted', financier: null, requests: new Map(), frozen: false, parent: x, children: [], actions: ['created'] };
              x.children.push(child);
              this.invoices.push(child);
            }
          },
        };
      }
      case 'finance': {
        const as = who(x.holder, op);
        const fin = ACTORS[op.fin] as string;
        const adv = Math.max(1, Math.ceil((remaining * op.adv) / 100));
        return {
          tx: { as, type: 'invoice.finance', payload: { id: x.id, financier: l.id(fin), advance: String(adv) } },
          expectOk: !x.frozen && as === x.holder && this.financeable(x, fin, adv),
          apply: () => { x.requests.set(fin, { holder: x.holder, adv }); x.actions.push('financeRequested'); },
        };
      }
      case 'acceptFin': {
        const as = who([...x.requests.keys()][op.actor % Math.max(1, x.requests.size)] ?? null, op);
        const req = x.requests.get(as);
        return {
          tx: { as, type: 'invoice.fund', payload: { id: x.id } },
          expectOk: !x.frozen && req !== undefined && req.holder === x.holder && this.financeable(x, as, req.adv),
          apply: () => { x.status = 'financed'; x.financier = as; x.requests.clear(); x.actions.push('financed'); this.financed.push(x); },
        };
      }
      case 'declineFin': {
        const as = who([...x.requests.keys()][op.actor % Math.max(1, x.requests.size)] ?? null, op);
        return {
          tx: { as, type: 'invoice.decline', payload: { id: x.id } }, expectOk: !x.frozen && x.requests.has(as),
          apply: () => { x.requests.delete(as); x.actions.push('financeDeclined'); },
        };
      }
      case 'withdrawFin': {
        const as = who(x.holder, op);
        const fin = op.right ? ([...x.requests.keys()][op.fin % Math.max(1, x.requests.size)] ?? (ACTORS[op.fin] as string)) : (ACTORS[op.fin] as string);
        return {
          tx: { as, type: 'invoice.withdraw', payload: { id: x.id, financier: l.id(fin) } },
          expectOk: !x.frozen && as === x.holder && x.requests.get(fin)?.holder === as,
          apply: () => { x.requests.delete(fin); x.actions.push('financeWithdrawn'); },
        };
      }
    }
  }
}

/** True when `a` is `b` or one of its ancestors. */
export function isAncestorOrSelf(a: ModelInvoice, b: ModelInvoice): boolean {
  for (let n: ModelInvoice | null = b; n !== null; n = n.parent) if (n === a) return true;
  return false;
}
