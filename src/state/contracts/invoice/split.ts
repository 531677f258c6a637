import type { Payload } from '../../../types/primitives.js';
import type { TxHandler } from '../../types.js';
import { checkParty, INVOICE_PARTY_ROLES } from '../parties.js';
import { expectKeys, failField, payloadValidator, readAmount, readId, readKeyHex, readList } from '../payload-reader.js';
import { OK, reject } from '../tx-result.js';
import { changed, checkTradable, loadUnfrozen, remaining } from './guards.js';
import { invoiceKey } from './keys.js';
import { saveInvoice } from './types.js';

/** One part of a split. */
export interface SplitPart {
  readonly id: string;
  /** Account id of the part's holder. */
  readonly to: string;
  readonly amount: bigint;
}

/** invoice.split payload. */
export interface SplitInvoicePayload {
  readonly id: string;
  readonly parts: readonly SplitPart[];
}

/** Most parts in one split. */
export const MAX_SPLIT_PARTS = 64;

/**
 * invoice.split {id, parts: [{id, to, amount}]}, by the holder of an accepted, unfinanced
 * invoice. The parts sum exactly to the remaining amount; the parent becomes `split` and each
 * part is a new accepted receivable with the same buyer, due date and root, linked to its
 * parent. Part i covers the root units that follow part i-1, starting after the parent's paid
 * units, so the parts partition the parent's unpaid range (the financing ledger relies on it).
 */
export const splitInvoice: TxHandler<SplitInvoicePayload> = {
  type: 'invoice.split',
  roles: ['integrator'],
  validate: payloadValidator((p) => {
    expectKeys(p, ['id', 'parts']);
    const id = readId(p, 'id');
    const seen = new Set<string>([id]);
    const parts = readList(p, 'parts', 2, MAX_SPLIT_PARTS).map((x, i): SplitPart => {
      const path = `parts[${i}].`;
      if (typeof x !== 'object' || x === null || Array.isArray(x)) failField(`parts[${i}]`, 'must be an object');
      const o = x as Payload;
      expectKeys(o, ['amount', 'id', 'to'], [], path);
      const part = { id: readId(o, 'id', path), to: readKeyHex(o, 'to', path), amount: readAmount(o, 'amount', path) };
      if (seen.has(part.id)) failField(`${path}id`, 'must differ from the parent and the other parts');
      seen.add(part.id);
      return part;
    });
    return { id, parts };
  }),
  execute(ctx, p) {
    const inv = loadUnfrozen(ctx, p.id);
    if ('ok' in inv) return inv;
    if (ctx.signer !== inv.holder) return reject('INVOICE_NOT_HOLDER', { id: p.id });
    const status = checkTradable(inv);
    if (status !== null) return status;
    let sum = 0n;
    for (const part of p.parts) sum += part.amount;
    if (sum !== remaining(inv)) return reject('SPLIT_AMOUNT_MISMATCH', { expected: remaining(inv).toString(), got: sum.toString() });
    for (const part of p.parts) {
      if (ctx.state.get(invoiceKey(part.id)) !== undefined) return reject('INVOICE_EXISTS', { id: part.id });
      const party = checkParty(ctx.state, part.to, 'to', INVOICE_PARTY_ROLES);
      if (party !== null) return party;
    }
    saveInvoice(ctx.state, changed(ctx, inv, { status: 'split', parts: p.parts.map((x) => x.id) }));
    ctx.emit({
      subject: 'invoice', id: inv.id, action: 'split',
      data: { parts: p.parts.map((x) => ({ id: x.id, to: x.to, amount: x.amount.toString() })) },
    });
    let offset = inv.offset + inv.paid;
    for (const part of p.parts) {
      saveInvoice(ctx.state, {
        ...inv, id: part.id, holder: part.to, amount: part.amount, paid: 0n, status: 'accepted', financier: null, advance: null,
        parent: inv.id, offset, parts: [], createdHeight: ctx.height, updatedHeight: ctx.height,
      });
      ctx.emit({ subject: 'invoice', id: part.id, action: 'created', data: { parent: inv.id, root: inv.root, holder: part.to, amount: part.amount.toString() } });
      offset += part.amount;
    }
    return OK;
  },
};
