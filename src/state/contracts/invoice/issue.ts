import { utf8 } from '../../../util/bytes.js';
import type { TxHandler } from '../../types.js';
import { checkParty, INVOICE_PARTY_ROLES } from '../parties.js';
import { expectKeys, failField, ID_RE, payloadValidator, readAmount, readId, readKeyHex, readMatch } from '../payload-reader.js';
import { OK, reject } from '../tx-result.js';
import { invoiceFingerprintKey, invoiceKey } from './keys.js';
import { saveInvoice } from './types.js';

/** invoice.issue payload. */
export interface IssueInvoicePayload {
  readonly id: string;
  /** Account id of the buyer. */
  readonly buyer: string;
  readonly amount: bigint;
  /** ISO 4217 code, e.g. 'EUR'. */
  readonly currency: string;
  /** YYYY-MM-DD. */
  readonly dueDate: string;
  /** Hash of the real invoice's identity (e.g. seller tax id + code + number), [A-Za-z0-9._:-]{1,128}. */
  readonly fingerprint: string;
}

export const CURRENCY_RE = /^[A-Z]{3}$/;
export const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function readDate(v: string): string {
  const m = DATE_RE.exec(v);
  const y = Number(m?.[1]);
  const mo = Number(m?.[2]);
  const d = Number(m?.[3]);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const max = mo === 2 && !leap ? 28 : (DAYS[mo - 1] ?? 0);
  if (m === null || mo < 1 || mo > 12 || d < 1 || d > max) failField('dueDate', 'must be a calendar date YYYY-MM-DD');
  return v;
}

/**
 * invoice.issue {id, buyer, amount, currency, dueDate, fingerprint}, by the seller, who
 * becomes the holder. Status `issued`. The fingerprint is unique forever, across all sellers.
 */
export const issueInvoice: TxHandler<IssueInvoicePayload> = {
  type: 'invoice.issue',
  roles: ['integrator'],
  validate: payloadValidator((p) => {
    expectKeys(p, ['amount', 'buyer', 'currency', 'dueDate', 'fingerprint', 'id']);
    return {
      id: readId(p, 'id'), buyer: readKeyHex(p, 'buyer'), amount: readAmount(p, 'amount'), currency: readMatch(p, 'currency', CURRENCY_RE),
      dueDate: readDate(readMatch(p, 'dueDate', DATE_RE)), fingerprint: readMatch(p, 'fingerprint', ID_RE),
    };
  }),
  execute(ctx, p) {
    if (ctx.state.get(invoiceKey(p.id)) !== undefined) return reject('INVOICE_EXISTS', { id: p.id });
    const fpKey = invoiceFingerprintKey(p.fingerprint);
    if (ctx.state.get(fpKey) !== undefined) return reject('FINGERPRINT_TAKEN', { fingerprint: p.fingerprint });
    if (p.buyer === ctx.signer) return reject('BUYER_IS_SELLER');
    const party = checkParty(ctx.state, p.buyer, 'buyer', INVOICE_PARTY_ROLES);
    if (party !== null) return party;
    saveInvoice(ctx.state, {
      id: p.id, seller: ctx.signer, buyer: p.buyer, holder: ctx.signer, amount: p.amount, paid: 0n, currency: p.currency,
      dueDate: p.dueDate, fingerprint: p.fingerprint, status: 'issued', frozen: false, frozenReason: null, financier: null,
      advance: null, parent: null, root: p.id, offset: 0n, parts: [], createdHeight: ctx.height, updatedHeight: ctx.height,
    });
    ctx.state.put(fpKey, utf8(p.id));
    ctx.emit({
      subject: 'invoice', id: p.id, action: 'issued',
      data: { seller: ctx.signer, buyer: p.buyer, amount: p.amount.toString(), currency: p.currency, dueDate: p.dueDate, fingerprint: p.fingerprint },
    });
    return OK;
  },
};
