import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../../src/util/bytes.js';
import { rootWithNonceBump } from '../../../helpers/test-ledger.js';
import { castLedger, accepted } from './fixtures.js';
import { InvoiceModel, isAncestorOrSelf, opArb } from './invoice-model.js';

// Model-based properties over random operation sequences across five integrators and a
// regulator, many by the wrong actor. >= 1,000 runs each (docs/conventions.md, Testing: Contracts).

const RUNS = 1000;
// Operations with no suitable invoice are skipped without a transaction, so sequences are long.
const ops = fc.array(opArb, { minLength: 16, maxLength: 32 });

// CPU-bound: 1,000 runs each; the timeout only guards against a hang on a loaded machine.
describe('invoice properties', { timeout: 240_000 }, () => {
  it('the ledger agrees with the model on every operation, and no amount unit is ever financed twice', () => {
    const seen = { financed: 0, doubleRefused: 0, splitThenFinanced: 0 };
    fc.assert(fc.property(ops, (seq) => {
      const l = castLedger();
      const m = new InvoiceModel();
      const financedIds: string[] = [];
      for (const op of seq) {
        const plan = m.plan(l, op);
        if (plan === null) continue;
        const r = l.submit(plan.tx);
        expect(r.ok, `${plan.tx.type} by ${plan.tx.as} ${JSON.stringify(plan.tx.payload)} -> ${r.code}`).toBe(plan.expectOk);
        if (r.ok) plan.apply();
        if (plan.tx.type === 'invoice.fund' || plan.tx.type === 'invoice.finance') {
          const x = m.invoices.find((i) => i.id === plan.tx.payload['id']);
          if (r.ok && x !== undefined && plan.tx.type === 'invoice.fund') {
            // Oracle: no previously financed receivable shares amount units with this one.
            for (const id of financedIds) {
              const y = m.invoices.find((i) => i.id === id);
              expect(y !== undefined && (isAncestorOrSelf(y, x) || isAncestorOrSelf(x, y)), `${x.id} overlaps financed ${id}`).toBe(false);
            }
            financedIds.push(x.id);
            seen.financed++;
            if (x.parent !== null) seen.splitThenFinanced++;
          }
          if (r.code === 'INVOICE_ALREADY_FINANCED') seen.doubleRefused++;
        }
      }
    }), { numRuns: RUNS });
    // The property is only meaningful if the paths were actually exercised.
    // Two-party financing needs a request and a fund: about 100-125 fundings per 1,000 runs.
    expect(seen.financed).toBeGreaterThan(40);
    expect(seen.doubleRefused).toBeGreaterThan(5);
    expect(seen.splitThenFinanced).toBeGreaterThan(5);
  });

  it('split parts always sum to the parent\'s remaining amount, so every original amount is conserved', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 10_000 }), fc.array(fc.tuple(fc.nat(), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 2, maxLength: 4 }), fc.nat({ max: 50 })), { maxLength: 5 }), (amount, splits) => {
      const l = castLedger();
      accepted(l, 'R', String(amount));
      const leaves = ['R'];
      let n = 0;
      for (const [pick, weights, pay] of splits) {
        const id = leaves[pick % leaves.length] as string;
        const before = l.invoice(id);
        if (before === null) throw new Error('leaf vanished');
        if (pay > 0 && BigInt(before.remaining) > BigInt(pay)) l.ok({ as: 'buyer', type: 'invoice.pay', payload: { id, amount: pay } });
        const rem = Number(l.invoice(id)?.remaining);
        if (rem < weights.length) continue;
        const total = weights.reduce((a, b) => a + b, 0);
        const parts = weights.map((w, i) => ({ id: `P${n++}`, to: l.id(i % 2 === 0 ? 'supplier' : 'supplier2'), amount: Math.max(1, Math.floor((rem * w) / total)) }));
        const last = parts[parts.length - 1] as { amount: number };
        last.amount = rem - parts.slice(0, -1).reduce((a, p) => a + p.amount, 0);
        if (last.amount < 1) continue;
        l.ok({ as: l.invoice(id)?.holder === l.id('supplier') ? 'supplier' : 'supplier2', type: 'invoice.split', payload: { id, parts } });
        expect(parts.reduce((a, p) => a + BigInt(p.amount), 0n)).toBe(BigInt(l.invoice(id)?.remaining ?? -1));
        leaves.splice(leaves.indexOf(id), 1, ...parts.map((p) => p.id));
      }
      // Conservation over the whole tree: paid anywhere + remaining on the leaves = the original.
      let total = 0n;
      const walk = (id: string): void => {
        const i = l.invoice(id);
        if (i === null) throw new Error(`missing ${id}`);
        total += BigInt(i.paid);
        if (i.status === 'split') i.parts.forEach(walk);
        else total += BigInt(i.remaining);
      };
      walk('R');
      expect(total).toBe(BigInt(amount));
    }), { numRuns: RUNS });
  });

  it('a fingerprint is registered at most once, by anyone, even after cancel', () => {
    const actors = ['supplier', 'supplier2', 'financier'];
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat({ max: 2 }), fc.nat({ max: 5 }), fc.boolean()), { minLength: 1, maxLength: 12 }), (attempts) => {
      const l = castLedger();
      const used = new Set<string>();
      attempts.forEach(([who, fp, cancel], i) => {
        const as = actors[who] as string;
        const r = l.submit({ as, type: 'invoice.issue', payload: { id: `I${i}`, buyer: l.id('buyer'), amount: '10', currency: 'EUR', dueDate: '2027-01-01', fingerprint: `fp${fp}` } });
        expect(r.ok).toBe(!used.has(`fp${fp}`));
        if (!r.ok) expect(r.code).toBe('FINGERPRINT_TAKEN');
        used.add(`fp${fp}`);
        if (r.ok && cancel) l.ok({ as, type: 'invoice.cancel', payload: { id: `I${i}` } });
      });
    }), { numRuns: RUNS });
  });

  it('history is append-only and records exactly the successful changes, in order', () => {
    fc.assert(fc.property(ops, (seq) => {
      const l = castLedger();
      const m = new InvoiceModel();
      let snapshot = new Map<string, string[]>();
      for (const op of seq) {
        const plan = m.plan(l, op);
        if (plan === null) continue;
        if (l.submit(plan.tx).ok) plan.apply();
        const now = new Map<string, string[]>();
        for (const [k, v] of l.history) now.set(k, v.map(toHex));
        for (const [k, before] of snapshot) expect(now.get(k)?.slice(0, before.length), `history of ${k} rewritten`).toEqual(before);
        snapshot = now;
      }
      for (const x of m.invoices) {
        const h = l.historyOf('invoice', x.id);
        expect(h.map((e) => e.action)).toEqual(x.actions);
        for (let i = 1; i < h.length; i++) expect((h[i] as { height: number }).height).toBeGreaterThan((h[i - 1] as { height: number }).height);
      }
    }), { numRuns: RUNS });
  });

  it('a rejected transaction leaves the state root unchanged but for its nonce', () => {
    let rejected = 0;
    fc.assert(fc.property(ops, (seq) => {
      const l = castLedger();
      const m = new InvoiceModel();
      for (const op of seq) {
        const plan = m.plan(l, op);
        if (plan === null) continue;
        const expected = rootWithNonceBump(l, plan.tx.as);
        const r = l.submit(plan.tx);
        if (r.ok) {
          plan.apply();
          continue;
        }
        rejected++;
        expect(toHex(l.state.root)).toBe(toHex(expected));
        expect(r.block.events).toEqual([]);
        expect(r.block.indexWrites).toEqual([]);
      }
    }), { numRuns: RUNS });
    expect(rejected).toBeGreaterThan(1000);
  });
});
