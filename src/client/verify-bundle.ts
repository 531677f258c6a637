import { DOMAIN_TX_V1, signingBytes } from '../codec/domains.js';
import { encodeReceipt, encodeTxBody } from '../codec/tx.js';
import { verifySignature } from '../crypto/ed25519.js';
import { merkleRoot } from '../crypto/merkle.js';
import { txHash } from '../crypto/tx.js';
import type { Genesis } from '../types/genesis.js';
import { bytesEqual, toHex } from '../util/bytes.js';
import { err, ok, type Result } from '../util/result.js';
import { txFromJson } from './build-tx.js';
import { BUNDLE_FORMAT, type BundleBlock, type BundleEntity, type BundleJson } from './bundle-format.js';
import type { MemberSets } from './member-sets.js';
import { memberSetsFrom, verifyAsset, verifyHistory, verifyInvoice, type VerifiedEntity, type VerifiedHistoryEntry } from './verify-entities.js';
import { verifyFinality, type VerifyFailure } from './verify.js';
import { hexBytes, type AssetRecordJson, type EntityProofJson, type InvoiceRecordJson, type ReceiptJson } from './wire.js';

// Offline check of an export bundle (bundle-format.ts, docs/bundles.md) with nothing but the
// genesis: every proof goes through the SDK's verifiers (verify.ts, verify-entities.ts) under
// the member sets of the genesis and the bundle's member-set changes; on top, this file checks
// that the bundle is whole (the lineage closed, every history paged to its end and reaching the
// record's last update), because a proof of what is shown says nothing about what is left out.

/** Why a bundle failed: a verifier's code, or BUNDLE_* for a malformed or incomplete bundle. */
export interface BundleFailure {
  readonly code: VerifyFailure['code'] | 'BUNDLE_MALFORMED' | 'BUNDLE_INCOMPLETE' | 'GENESIS_MISMATCH' | 'MEMBER_CHANGE_INVALID' | string;
  /** Which part of the bundle, e.g. "invoice INV-1 history page 2". */
  readonly where: string;
  readonly message: string;
}

/** One verified invoice or asset. */
export interface VerifiedBundleEntity {
  readonly id: string;
  /** The proven record (decoded from the proven bytes). */
  readonly record: InvoiceRecordJson | AssetRecordJson;
  /** The height of the state proof. */
  readonly provenAt: number;
  readonly entries: readonly VerifiedHistoryEntry[];
}

/** What a verified bundle proves. */
export interface BundleSummary {
  readonly kind: BundleJson['kind'];
  readonly subject: string;
  readonly chainId: string;
  readonly genesisHash: string;
  /** The highest height any proof in the bundle reaches. */
  readonly height: number;
  readonly memberChanges: number;
  readonly entities: readonly VerifiedBundleEntity[];
  /** kind blocks: the first and last height verified. */
  readonly blocks?: { readonly from: number; readonly to: number };
}

type Check<T> = Result<T, BundleFailure>;

const bad = (code: BundleFailure['code'], where: string, message: string): Check<never> => err({ code, where, message });

/**
 * Verifies a bundle (parsed JSON, untrusted) against the genesis the caller trusts. Never
 * throws: any shape error is a failure naming where it is.
 */
export function verifyBundle(bundle: unknown, genesis: Genesis): Check<BundleSummary> {
  try {
    return check(bundle as BundleJson, genesis);
  } catch (e) {
    return bad('BUNDLE_MALFORMED', 'bundle', e instanceof Error ? e.message : 'malformed bundle');
  }
}

function check(b: BundleJson, genesis: Genesis): Check<BundleSummary> {
  if (typeof b !== 'object' || b === null || b.format !== BUNDLE_FORMAT) return bad('BUNDLE_MALFORMED', 'format', `not a ${BUNDLE_FORMAT} bundle`);
  if (b.chainId !== genesis.chainId) return bad('GENESIS_MISMATCH', 'chainId', `the bundle is of chain ${String(b.chainId)}, the genesis of ${genesis.chainId}`);
  if (!Array.isArray(b.memberChanges)) return bad('BUNDLE_MALFORMED', 'memberChanges', 'memberChanges must be a list');
  // A change without its root would let the exporter name any members; the root ties it to the
  // previous members' certificate.
  const rootless = b.memberChanges.findIndex((c) => c?.root === undefined);
  if (rootless >= 0) return bad('MEMBER_CHANGE_INVALID', `memberChanges[${rootless}]`, 'a member-set change must carry its root');
  const sets = memberSetsFrom(genesis, b.memberChanges);
  if (!sets.ok) return bad(sets.error.code, 'memberChanges', sets.error.message);
  if (b.genesisHash !== toHex(sets.value.genesisHash)) return bad('GENESIS_MISMATCH', 'genesisHash', 'the bundle names another genesis than the one given');
  if (typeof b.subject !== 'string' || typeof b.createdAt !== 'string') return bad('BUNDLE_MALFORMED', 'subject', 'subject and createdAt must be strings');
  const base = { kind: b.kind, subject: b.subject, chainId: b.chainId, genesisHash: b.genesisHash, memberChanges: b.memberChanges.length };
  const changeTop = Math.max(0, ...b.memberChanges.map((c) => c.startHeight - 1));
  if (b.kind === 'invoice' || b.kind === 'asset') {
    const other = b.kind === 'invoice' ? b.assets : b.invoices;
    if (other !== undefined || b.blocks !== undefined) return bad('BUNDLE_MALFORMED', 'bundle', `an ${b.kind} bundle holds ${b.kind}s only`);
    const r = b.kind === 'invoice' ? checkInvoices(b, sets.value) : checkAssets(b, sets.value);
    if (!r.ok) return r;
    const height = Math.max(changeTop, ...r.value.map((e) => Math.max(e.provenAt, ...e.entries.map((x) => x.height))));
    return ok({ ...base, height, entities: r.value });
  }
  if (b.kind === 'blocks') {
    if (b.invoices !== undefined || b.assets !== undefined) return bad('BUNDLE_MALFORMED', 'bundle', 'a blocks bundle holds blocks only');
    const r = checkBlocks(b, sets.value);
    if (!r.ok) return r;
    return ok({ ...base, height: Math.max(changeTop, r.value.to), entities: [], blocks: r.value });
  }
  return bad('BUNDLE_MALFORMED', 'kind', `unknown kind ${String(b.kind)}`);
}

/** An invoice bundle: the subject's whole split lineage, nothing more, nothing less. */
function checkInvoices(b: BundleJson, sets: MemberSets): Check<VerifiedBundleEntity[]> {
  const list = b.invoices;
  if (!Array.isArray(list) || list.length === 0) return bad('BUNDLE_MALFORMED', 'invoices', 'an invoice bundle lists its invoices');
  const out = new Map<string, VerifiedBundleEntity & { record: InvoiceRecordJson }>();
  for (const e of list) {
    const r = checkEntity(e, 'invoice', sets, b.chainId, (a, id) => verifyInvoice(a, id, sets, { chainId: b.chainId }));
    if (!r.ok) return r;
    if (out.has(e.id)) return bad('BUNDLE_MALFORMED', `invoice ${e.id}`, 'listed twice');
    out.set(e.id, r.value as VerifiedBundleEntity & { record: InvoiceRecordJson });
  }
  const subject = out.get(b.subject);
  if (subject === undefined) return bad('BUNDLE_INCOMPLETE', 'subject', `invoice ${b.subject} is not in the bundle`);
  // Every invoice named by a proven record (parent, parts, root) must be there, and every
  // invoice there must be reachable from the subject: the lineage is closed and exact.
  const seen = new Set<string>([b.subject]);
  const todo = [b.subject];
  while (todo.length > 0) {
    const inv = out.get(todo.pop() as string) as VerifiedBundleEntity & { record: InvoiceRecordJson };
    for (const n of [inv.record.parent, inv.record.root, ...inv.record.parts]) {
      if (n === null || seen.has(n)) continue;
      if (!out.has(n)) return bad('BUNDLE_INCOMPLETE', `invoice ${inv.id}`, `its lineage names invoice ${n}, which is not in the bundle`);
      seen.add(n);
      todo.push(n);
    }
  }
  const stray = [...out.keys()].find((id) => !seen.has(id));
  if (stray !== undefined) return bad('BUNDLE_MALFORMED', `invoice ${stray}`, `not in the lineage of ${b.subject}`);
  return ok([...out.values()]);
}

function checkAssets(b: BundleJson, sets: MemberSets): Check<VerifiedBundleEntity[]> {
  const list = b.assets;
  if (!Array.isArray(list) || list.length !== 1) return bad('BUNDLE_MALFORMED', 'assets', 'an asset bundle holds exactly one asset');
  const e = list[0] as BundleEntity<AssetRecordJson>;
  if (e.id !== b.subject) return bad('BUNDLE_MALFORMED', `asset ${String(e.id)}`, `the subject is ${b.subject}`);
  const r = checkEntity(e, 'asset', sets, b.chainId, (a, id) => verifyAsset(a, id, sets, { chainId: b.chainId }));
  return r.ok ? ok([r.value]) : r;
}

/**
 * One entity: its record proven present, every history page proven, the pages chained to the
 * end (nextCursor null only on the last), and the history running from the record's creation
 * to its last update, so no change after the first or before the last can be left out unseen.
 */
function checkEntity<T extends InvoiceRecordJson | AssetRecordJson>(
  e: BundleEntity<T>, what: string, sets: MemberSets, chainId: string,
  verify: (a: EntityProofJson<T>, id: string) => Result<VerifiedEntity<T>, VerifyFailure>,
): Check<VerifiedBundleEntity> {
  const where = `${what} ${String(e?.id)}`;
  if (typeof e !== 'object' || e === null || typeof e.id !== 'string' || !Array.isArray(e.history)) return bad('BUNDLE_MALFORMED', where, 'needs id, proof and history');
  const proven = verify(e.proof, e.id);
  if (!proven.ok) return bad(proven.error.code, `${where} record`, proven.error.message);
  const record = proven.value.value;
  if (record === null) return bad('BUNDLE_INCOMPLETE', `${where} record`, 'proven absent');
  if (e.history.length === 0) return bad('BUNDLE_INCOMPLETE', `${where} history`, 'no history page');
  const entries: VerifiedHistoryEntry[] = [];
  for (const [p, page] of e.history.entries()) {
    const at = `${where} history page ${p + 1}`;
    const last = p === e.history.length - 1;
    if (last ? page?.nextCursor !== null : typeof page?.nextCursor !== 'string') return bad('BUNDLE_INCOMPLETE', at, last ? 'the last page has a next page' : 'a page before the last has no next page');
    const h = verifyHistory(page, e.id, sets, { chainId });
    if (!h.ok) return bad(h.error.code, at, h.error.message);
    for (const [i, item] of page.items.entries()) {
      // The entry's time and a committed receipt's empty code are facts of the proven block;
      // hold the node's copies to them.
      if (item.timestampMs !== item.tx.header?.timestampMs) return bad('HISTORY_MISMATCH', `${at} entry ${i + 1}`, 'timestampMs is not its block\'s');
      if (!committedReceipt(item.tx.receipt)) return bad('HISTORY_MISMATCH', `${at} entry ${i + 1}`, 'a committed receipt carries a code or detail');
    }
    entries.push(...h.value.entries);
  }
  for (let i = 1; i < entries.length; i++) {
    if ((entries[i] as VerifiedHistoryEntry).height < (entries[i - 1] as VerifiedHistoryEntry).height) return bad('HISTORY_MISMATCH', `${where} history`, 'pages are out of order');
  }
  const first = entries[0];
  const lastEntry = entries[entries.length - 1];
  if (first === undefined || lastEntry === undefined) return bad('BUNDLE_INCOMPLETE', `${where} history`, 'the history is empty');
  if (first.height !== record.createdHeight) return bad('BUNDLE_INCOMPLETE', `${where} history`, `starts at height ${first.height}, the record was created at ${record.createdHeight}`);
  if (lastEntry.height !== record.updatedHeight) return bad('BUNDLE_INCOMPLETE', `${where} history`, `ends at height ${lastEntry.height}, the record was last updated at ${record.updatedHeight}`);
  return ok({ id: e.id, record, provenAt: proven.value.height, entries });
}

function committedReceipt(r: ReceiptJson | undefined): boolean {
  return r !== undefined && r.ok && r.code === null && r.detail === null;
}

/**
 * A range of blocks: consecutive, each hash-linked to the one before, final under the members
 * of its epoch (verifyFinality over its own links), and its transactions and receipts exactly
 * those its header commits to.
 */
function checkBlocks(b: BundleJson, sets: MemberSets): Check<{ from: number; to: number }> {
  const list = b.blocks;
  if (!Array.isArray(list) || list.length === 0) return bad('BUNDLE_MALFORMED', 'blocks', 'a blocks bundle lists its blocks');
  const from = list[0]?.block?.header?.height as number;
  const to = from + list.length - 1;
  if (b.subject !== `${from}-${to}`) return bad('BUNDLE_MALFORMED', 'subject', `the blocks are ${from}-${to}, the subject ${b.subject}`);
  let prevHash: string | null = null;
  for (const [i, bb] of list.entries()) {
    const height = from + i;
    const where = `block ${height}`;
    const r = checkBlock(bb, height, sets, b.chainId);
    if (!r.ok) return bad(r.error.code, where, r.error.message);
    if (prevHash !== null && bb.block.header.parentHash !== prevHash) return bad('LINK_BROKEN', where, `does not extend block ${height - 1}`);
    prevHash = bb.block.hash;
  }
  return ok({ from, to });
}

function checkBlock(bb: BundleBlock, height: number, sets: MemberSets, chainId: string): Result<void, Omit<BundleFailure, 'where'>> {
  const { block, links } = bb;
  if (block.header.height !== height) return err({ code: 'BUNDLE_INCOMPLETE', message: `found height ${block.header.height}` });
  const final = verifyFinality({ header: block.header, blockHash: block.hash, commitQc: block.commitQc, certifiedHeight: block.certifiedHeight, links }, sets, { chainId });
  if (!final.ok) return final;
  const header = final.value;
  if (block.txs.length !== block.receipts.length) return err({ code: 'BUNDLE_MALFORMED', message: 'transactions and receipts differ in number' });
  const hashes: Uint8Array[] = [];
  for (const [i, j] of block.txs.entries()) {
    const tx = txFromJson(j);
    const hash = txHash(tx);
    if (j.hash !== toHex(hash) || block.receipts[i]?.hash !== j.hash) return err({ code: 'TX_HASH_MISMATCH', message: `transaction ${i} does not hash to its hash or its receipt's` });
    if (tx.chainId !== chainId) return err({ code: 'CHAIN_ID_MISMATCH', message: `transaction ${i} is for another chain` });
    if (!verifySignature(tx.signer, signingBytes(DOMAIN_TX_V1, tx.chainId, encodeTxBody(tx)), tx.signature)) return err({ code: 'TX_SIGNATURE_INVALID', message: `transaction ${i}: the signature does not verify` });
    hashes.push(hash);
  }
  // An integrator's view leaves others' transactions out of block bodies: the roots then
  // cannot match, and the export needs a reader of everything.
  if (!bytesEqual(merkleRoot(hashes), header.txRoot)) return err({ code: 'INCLUSION_PROOF_INVALID', message: 'the transactions do not make header.txRoot (a partial block?)' });
  const receipts = block.receipts.map((r, i) => encodeReceipt({ hash: hexBytes(r.hash, `receipts[${i}].hash`), ok: r.ok, code: r.code, detail: r.detail }));
  if (!bytesEqual(merkleRoot(receipts), header.receiptsRoot)) return err({ code: 'INCLUSION_PROOF_INVALID', message: 'the receipts do not make header.receiptsRoot' });
  return ok(undefined);
}
