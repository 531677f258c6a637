import { fromUtf8 } from '../util/bytes.js';
import type { ApiDeps, ReaderAccount } from './deps.js';
import type { AssetJson } from './schemas/assets.js';
import type { BlockJson } from './schemas/chain.js';
import type { BlockEventJson } from './schemas/events.js';
import type { InvoiceJson } from './schemas/invoices.js';

// Who may read what (docs/security.md). Members, auditors and regulators read everything. An
// integrator reads its own account, the invoices whose lineage (the root receivable and all its
// split parts) it is or was a party of, the assets it owns or holds in pledge, the transactions
// it signed, the histories of those, and every block header and commit certificate (enough to
// verify inclusion proofs), with the transactions of others taken out of block bodies and the
// event stream. Anything else answers exactly as if it did not exist.

/** A split lineage larger than this is not walked further (a bound on work per read). */
const MAX_LINEAGE = 256;

/** True when `reader` reads everything: null means read authentication is off (unit tests). */
export function fullScope(reader: ReaderAccount | null): reader is null | (ReaderAccount & { role: 'member' | 'auditor' | 'regulator' }) {
  return reader === null || reader.role !== 'integrator';
}

/** The keys an integrator's transactions are signed with that it can be matched on. */
function signedBy(reader: ReaderAccount, signerHex: string): boolean {
  return signerHex === reader.publicKey || signerHex === reader.id;
}

/** Whether `reader` may see a transaction signed by `signerHex`. */
export function mayReadTx(reader: ReaderAccount | null, signerHex: string): boolean {
  return fullScope(reader) || signedBy(reader, signerHex);
}

/** Whether `reader` may read the account answered for a lookup. */
export function mayReadAccount(reader: ReaderAccount | null, account: { publicKey: string }, asked: string): boolean {
  return fullScope(reader) || account.publicKey === reader.publicKey || asked.toLowerCase() === reader.id;
}

/** Whether `reader` may read an asset (owner or pledgee, now). */
export function mayReadAsset(reader: ReaderAccount | null, a: AssetJson): boolean {
  return fullScope(reader) || a.owner === reader.id || a.pledgee === reader.id;
}

/**
 * Whether `reader` may read an invoice: it is, or was, seller, buyer, holder or financier of
 * any invoice in the same split lineage. "Was" comes from the histories: a past holder signed
 * or was named in a change of one of them.
 */
export async function mayReadInvoice(deps: Pick<ApiDeps, 'getInvoice' | 'invoiceHistory'>, reader: ReaderAccount | null, inv: InvoiceJson): Promise<boolean> {
  if (fullScope(reader)) return true;
  const me = reader.id;
  const party = (i: InvoiceJson): boolean => i.seller === me || i.buyer === me || i.holder === me || i.financier === me;
  if (party(inv)) return true;
  let root = inv;
  for (let n = 0; root.parent !== null && n < MAX_LINEAGE; n++) {
    const up = await deps.getInvoice(root.parent);
    if (up === null) break;
    root = up;
  }
  const lineage: InvoiceJson[] = [];
  const queue = [root];
  while (queue.length > 0 && lineage.length < MAX_LINEAGE) {
    const i = queue.shift() as InvoiceJson;
    if (party(i)) return true;
    lineage.push(i);
    for (const c of i.children) {
      const child = await deps.getInvoice(c);
      if (child !== null) queue.push(child);
    }
  }
  for (const i of lineage) {
    for (const e of (await deps.invoiceHistory(i.id)) ?? []) {
      if (e.signer === me || Object.values(e.detail).some((v) => v === me)) return true;
    }
  }
  return false;
}

/** A block as `reader` may see it: header and certificate always; others' transactions removed. */
export function scopeBlock(reader: ReaderAccount | null, b: BlockJson): BlockJson {
  if (fullScope(reader)) return b;
  const keep = b.txs.map((t) => signedBy(reader, t.signer));
  return { ...b, txs: b.txs.filter((_, i) => keep[i]), receipts: b.receipts.filter((_, i) => keep[i]) };
}

/** A block event as `reader` may see it. */
export function scopeBlockEvent(reader: ReaderAccount | null, ev: BlockEventJson): BlockEventJson {
  if (fullScope(reader)) return ev;
  return { ...ev, txs: ev.txs.filter((t) => signedBy(reader, t.signer)) };
}

/**
 * Whether `reader` may have a proof of state key `key`: its own account, and invoices and
 * assets it may read. Other keys (other accounts, indexes, members, proposals) are full scope
 * only; absent keys of those kinds answer as not found, so existence does not leak either.
 */
export async function mayReadStateKey(deps: Pick<ApiDeps, 'getInvoice' | 'invoiceHistory' | 'getAsset'>, reader: ReaderAccount | null, key: Uint8Array): Promise<boolean> {
  if (fullScope(reader)) return true;
  const k = fromUtf8(key);
  if (k === `acct/${reader.id}` || k === `key/${reader.publicKey}`) return true;
  if (k.startsWith('inv/')) {
    const inv = await deps.getInvoice(k.slice(4));
    return inv !== null && (await mayReadInvoice(deps, reader, inv));
  }
  if (k.startsWith('asset/')) {
    const a = await deps.getAsset(k.slice(6));
    return a !== null && mayReadAsset(reader, a);
  }
  return false;
}
