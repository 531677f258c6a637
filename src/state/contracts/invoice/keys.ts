// State keys of the invoice contract (the one place they are spelled).

/** 'inv/<id>' → Invoice tuple (original invoices and split parts share the id space). */
export function invoiceKey(id: string): string {
  return 'inv/' + id;
}

/** 'invfp/<fingerprint>' → id of the invoice that registered it. Never deleted, even on cancel. */
export function invoiceFingerprintKey(fingerprint: string): string {
  return 'invfp/' + fingerprint;
}

/**
 * 'invfin/<rootId>' → the financing ledger of an original invoice: every amount range
 * [start, end) of the root's face amount ever financed, through the root or any part. Only
 * ever grows (repay does not shrink it): no amount unit is financed twice.
 */
export function invoiceFinancingKey(rootId: string): string {
  return 'invfin/' + rootId;
}

/**
 * 'invfr/<id>' → the open financing requests on a receivable: what its holder asked of which
 * financier. A request finances nothing until that financier accepts it (accept-financing.ts).
 */
export function invoiceFinanceRequestsKey(id: string): string {
  return 'invfr/' + id;
}

/**
 * Secondary index entries of an invoice (outside the state root; the node stores them under
 * its index prefix): by holder and by status. Each key is a list of parts the storage layer
 * encodes order-preservingly; scan ['invoice-holder', holder] to list a holder's invoices.
 */
export function invoiceIndexKeys(inv: { readonly id: string; readonly holder: string; readonly status: string }): (readonly string[])[] {
  return [
    ['invoice-holder', inv.holder, inv.id],
    ['invoice-status', inv.status, inv.id],
  ];
}
