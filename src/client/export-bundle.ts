import { LedgerClientError } from './errors.js';
import { BUNDLE_FORMAT, type BundleBlock, type BundleEntity, type BundleJson } from './bundle-format.js';
import type { LedgerClient } from './ledger-client.js';
import type { MemberChangeJson } from './member-sets.js';
import type { AssetRecordJson, EntityProofJson, FinalityJson, HeaderJson, InvoiceRecordJson, PageQuery, ProvenHistoryJson } from './wire.js';

// Builds export bundles (bundle-format.ts) from a node's proven answers. Nothing here is
// trusted: the exporter only collects; verify-bundle.ts is what checks.

/** What an export needs beyond the client. */
export interface ExportOptions {
  readonly chainId: string;
  /** Hex genesis hash the bundle names (from the genesis the exporter trusts, or the node's). */
  readonly genesisHash: string;
  /** Member-set changes since the genesis (e.g. a `ledger audit --checkpoint` file's); their roots are fetched here. */
  readonly memberChanges?: readonly MemberChangeJson[];
  /** History page size (1-100, default 100). */
  readonly pageSize?: number;
  /** The clock for createdAt (tests). */
  readonly now?: () => Date;
}

const notFound = (what: string): LedgerClientError => new LedgerClientError('NOT_FOUND', `${what} is unknown (or outside this key's scope)`, 404);

/** An invoice with its whole split lineage: the root, every part below it, each with its proven history. */
export async function exportInvoiceBundle(client: LedgerClient, id: string, opts: ExportOptions): Promise<BundleJson> {
  const invoices = new Map<string, BundleEntity<InvoiceRecordJson>>();
  const todo = [id];
  while (todo.length > 0) {
    const next = todo.shift() as string;
    if (invoices.has(next)) continue;
    const e = await entity(next, () => client.invoiceProof(next), (cursor) => client.invoiceHistoryProof(next, page(opts, cursor)), `invoice ${next}`);
    invoices.set(next, e);
    const r = e.proof.value as InvoiceRecordJson;
    for (const n of [r.parent, r.root, ...r.parts]) if (n !== null && !invoices.has(n)) todo.push(n);
  }
  return { ...(await head(client, 'invoice', id, opts)), invoices: [...invoices.values()] };
}

/** An asset with its proven history. */
export async function exportAssetBundle(client: LedgerClient, id: string, opts: ExportOptions): Promise<BundleJson> {
  const e = await entity(id, () => client.assetProof(id), (cursor) => client.assetHistoryProof(id, page(opts, cursor)), `asset ${id}`);
  return { ...(await head(client, 'asset', id, opts)), assets: [e] };
}

/** Blocks from..to, each with the headers that link it to the block its certificate certifies. */
export async function exportBlocksBundle(client: LedgerClient, from: number, to: number, opts: ExportOptions): Promise<BundleJson> {
  const headers = new Map<number, HeaderJson>();
  const header = async (h: number): Promise<HeaderJson> => {
    let x = headers.get(h);
    if (x === undefined) {
      const b = await client.getBlock(h);
      if (b === null) throw notFound(`block ${h}`);
      x = b.header;
      headers.set(h, x);
    }
    return x;
  };
  const blocks: BundleBlock[] = [];
  for (let h = from; h <= to; h++) {
    const block = await client.getBlock(h);
    if (block === null) throw notFound(`block ${h}`);
    headers.set(h, block.header);
    blocks.push({ block, links: await linksOf(block.suffix, h, block.certifiedHeight, header) });
  }
  return { ...(await head(client, 'blocks', `${from}-${to}`, opts)), blocks };
}

// The last block of an epoch carries its links (suffix, never in the chain); any other block
// links through the chain's next headers.
async function linksOf(suffix: HeaderJson[] | undefined, height: number, certifiedHeight: number, header: (h: number) => Promise<HeaderJson>): Promise<HeaderJson[]> {
  if (suffix !== undefined) return suffix;
  const out: HeaderJson[] = [];
  for (let h = height + 1; h <= certifiedHeight; h++) out.push(await header(h));
  return out;
}

async function head(client: LedgerClient, kind: BundleJson['kind'], subject: string, opts: ExportOptions): Promise<Omit<BundleJson, 'invoices' | 'assets' | 'blocks'>> {
  const memberChanges: MemberChangeJson[] = [];
  for (const c of opts.memberChanges ?? []) {
    if (c.root !== undefined) {
      memberChanges.push(c);
      continue;
    }
    // The root of a change: the finality of the last block of the previous epoch.
    const b = await client.getBlock(c.startHeight - 1);
    if (b === null) throw notFound(`block ${c.startHeight - 1}`);
    const links = b.suffix ?? [];
    const root: FinalityJson = { header: b.header, blockHash: b.hash, commitQc: b.commitQc, certifiedHeight: b.certifiedHeight, links };
    memberChanges.push({ epoch: c.epoch, startHeight: c.startHeight, members: [...c.members], root });
  }
  return {
    format: BUNDLE_FORMAT, chainId: opts.chainId, genesisHash: opts.genesisHash, kind, subject,
    createdAt: (opts.now?.() ?? new Date()).toISOString(), memberChanges,
  };
}

const ATTEMPTS = 5;

/**
 * A record and its history, read again when a block changed the entity between the two reads
 * (the history must run from the record's creation to its last update, or the bundle fails).
 */
async function entity<T extends InvoiceRecordJson | AssetRecordJson>(
  id: string, proofOf: () => Promise<EntityProofJson<T> | null>, historyPage: (cursor: string | undefined) => Promise<ProvenHistoryJson | null>, what: string,
): Promise<BundleEntity<T>> {
  for (let attempt = 1; ; attempt++) {
    const proof = await proofOf();
    if (proof === null || proof.value === null) throw notFound(what);
    const history = await pages(historyPage, what);
    const heights = history.flatMap((p) => p.items.map((i) => i.height));
    const whole = heights[0] === proof.value.createdHeight && heights[heights.length - 1] === proof.value.updatedHeight;
    if (whole || attempt === ATTEMPTS) return { id, proof, history };
  }
}

function page(opts: ExportOptions, cursor: string | undefined): PageQuery {
  return { limit: opts.pageSize ?? 100, ...(cursor !== undefined && { cursor }) };
}

async function pages(page: (cursor: string | undefined) => Promise<ProvenHistoryJson | null>, what: string): Promise<ProvenHistoryJson[]> {
  const out: ProvenHistoryJson[] = [];
  let cursor: string | undefined;
  for (;;) {
    const p = await page(cursor);
    if (p === null) throw notFound(`the history of ${what}`);
    out.push(p);
    if (p.nextCursor === null) return out;
    cursor = p.nextCursor;
  }
}
