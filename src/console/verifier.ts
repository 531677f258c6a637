import { txFromJson } from '../client/build-tx.js';
import type { LedgerClient } from '../client/ledger-client.js';
import { verifyFinality, verifyStateAnswer, verifyTxInclusion, type VerifyFailure } from '../client/verify.js';
import { verifyAccount, verifyAsset, verifyInvoice, type VerifiedEntity } from '../client/verify-entities.js';
import type { Result } from '../util/result.js';
import type { BlockJson, HeaderJson, HistoryEntryJson, StateAnswer, TxAnswer } from '../client/wire.js';
import { merkleRoot } from '../crypto/merkle.js';
import { txHash } from '../crypto/tx.js';
import { bytesEqual, toHex } from '../util/bytes.js';
import type { Trust } from './trust.js';

// Every badge on the console comes from here: the node's answer goes in, the SDK's verifiers
// run in this page against the pinned genesis, and the verdict says what was proven. Nothing
// shown as verified is taken on the node's word.

/** What the page knows about one displayed item. */
export type Verdict =
  | { readonly state: 'checking' }
  | { readonly state: 'verified'; readonly detail: string }
  /** Proven in part (e.g. present in certified state) but the displayed fields are not bound. */
  | { readonly state: 'partial'; readonly detail: string }
  | { readonly state: 'failed'; readonly code: string; readonly detail: string };

export const CHECKING: Verdict = { state: 'checking' };

function failed(f: VerifyFailure): Verdict {
  return { state: 'failed', code: f.code, detail: f.message };
}

/**
 * Certificates are checked against the pinned genesis members. A header of a later epoch whose
 * certificate those members did not sign may be honest (the member set changed) or forged: the
 * console does not follow member-set changes yet, so it says it cannot tell, never "verified".
 */
function finalityFailed(f: VerifyFailure, epoch: number | undefined): Verdict {
  if ((epoch ?? 0) > 0 && (f.code === 'QC_QUORUM_MISSING' || f.code === 'QC_SIGNATURE_INVALID')) {
    return { state: 'partial', detail: `epoch ${epoch}: certified by a member set that changed since genesis, which this console does not follow yet (${f.message})` };
  }
  return failed(f);
}

/** A transaction answer: inclusion in a final block, signature, receipt. */
export function checkTx(answer: TxAnswer, trust: Trust): Verdict {
  const r = verifyTxInclusion(answer, trust.members, { chainId: trust.chainId });
  if (!r.ok) return finalityFailed(r.error, answer.header?.epoch);
  return { state: 'verified', detail: `in block ${r.value.height} at index ${r.value.index}, ${r.value.status}, final` };
}

/** A state proof answer. */
export function checkState(answer: StateAnswer, trust: Trust): Verdict {
  const r = verifyStateAnswer(answer, trust.members, { chainId: trust.chainId });
  if (!r.ok) return finalityFailed(r.error, answer.header.epoch);
  return { state: 'verified', detail: `${r.value.value === null ? 'absent' : 'present'} at height ${r.value.height}, final` };
}

/**
 * A block: its header is final (hash, links to the certified block, > 2/3 of the pinned
 * members signed the commit certificate) and its body is the one the header commits to (every
 * transaction hashes to its stated hash, and those hashes to header.txRoot).
 */
export async function checkBlock(block: BlockJson, trust: Trust, client: LedgerClient): Promise<Verdict> {
  let links: HeaderJson[] = [];
  if (block.certifiedHeight > block.header.height) {
    if (block.suffix !== undefined && block.suffix.length > 0) links = block.suffix;
    else {
      const page = await client.blocks({ from: block.header.height + 1, limit: block.certifiedHeight - block.header.height });
      links = page.items.map((b) => b.header);
    }
  }
  const final = verifyFinality({ header: block.header, blockHash: block.hash, commitQc: block.commitQc, certifiedHeight: block.certifiedHeight, links }, trust.members, { chainId: trust.chainId });
  if (!final.ok) return finalityFailed(final.error, block.header.epoch);
  try {
    const hashes = block.txs.map((t, i) => {
      const h = txHash(txFromJson(t));
      if (toHex(h) !== t.hash) throw new Error(`transaction ${i} does not hash to ${t.hash}`);
      return h;
    });
    if (!bytesEqual(merkleRoot(hashes), final.value.txRoot)) return { state: 'failed', code: 'TX_ROOT_MISMATCH', detail: 'the transactions shown are not the ones header.txRoot commits to' };
  } catch (e) {
    return { state: 'failed', code: 'TX_HASH_MISMATCH', detail: (e as Error).message };
  }
  return { state: 'verified', detail: `final, ${block.txs.length} transactions match txRoot` };
}

/** One history entry: the transaction it names is final, at the entry's height, by its signer. */
export async function checkHistoryEntry(e: HistoryEntryJson, trust: Trust, client: LedgerClient): Promise<Verdict> {
  const answer = await client.getTx(e.txHash);
  const v = checkTx(answer, trust);
  if (v.state !== 'verified') return v;
  // Entry types name what happened (invoice.created), transaction types what was asked
  // (invoice.split): they share the contract's prefix. The entry's detail is derived by the
  // node and is bound only once history proofs exist.
  const contract = (t: string): string => t.split('.')[0] ?? t;
  if (answer.height !== e.height || answer.tx?.signer !== e.signer || contract(answer.tx.type) !== contract(e.type)) {
    return { state: 'failed', code: 'HISTORY_MISMATCH', detail: 'the entry disagrees with the transaction it names' };
  }
  return v;
}

/** The entity kinds the console shows. */
export type EntityKind = 'invoice' | 'asset' | 'account';

// Fields of the plain answer that are not in the stored record under the same name, or not as
// committed: an account's nextNonce counts the node's pending transactions.
const UNBOUND_FIELDS = new Set(['nextNonce']);

async function provenEntity(kind: EntityKind, id: string, trust: Trust, client: LedgerClient): Promise<Result<VerifiedEntity<object>, VerifyFailure> | null> {
  const opts = { chainId: trust.chainId };
  if (kind === 'invoice') {
    const a = await client.invoiceProof(id);
    return a === null ? null : verifyInvoice(a, id, trust.members, opts);
  }
  if (kind === 'asset') {
    const a = await client.assetProof(id);
    return a === null ? null : verifyAsset(a, id, trust.members, opts);
  }
  const a = await client.accountProof(id);
  return a === null ? null : verifyAccount(a, id, trust.members, opts);
}

/**
 * The one place an entity answer (invoice, asset, account) is checked: the node's proven
 * answer (?proof=true) is verified against the pinned genesis, its record decoded from the
 * proven bytes, and every field of `shown` (the plain answer on screen) that the record holds
 * must equal it.
 */
export async function checkEntity(kind: EntityKind, id: string, trust: Trust, client: LedgerClient, shown?: object | null): Promise<Verdict> {
  const r = await provenEntity(kind, id, trust, client);
  if (r === null) return { state: 'failed', code: 'NOT_FOUND', detail: `the node does not show ${kind} ${id} with a proof` };
  if (!r.ok) return finalityFailed(r.error, undefined);
  const proven = r.value;
  if (proven.value === null) return { state: 'failed', code: 'NOT_IN_STATE', detail: `the certified state holds no ${kind} ${id}` };
  const record = proven.value as Record<string, unknown>;
  if (shown !== undefined && shown !== null) {
    const differs = Object.entries(shown).filter(([k, v]) => k in record && !UNBOUND_FIELDS.has(k) && JSON.stringify(v) !== JSON.stringify(record[k]));
    if (differs.length > 0) {
      const changed = 'updatedHeight' in shown && shown.updatedHeight !== record['updatedHeight'];
      if (changed) return { state: 'partial', detail: `the ${kind} changed at height ${String(record['updatedHeight'])} after it was shown: reload` };
      return { state: 'failed', code: 'FIELD_MISMATCH', detail: `shown ${differs.map(([k]) => k).join(', ')} differ from the proven record at height ${proven.height}` };
    }
  }
  return { state: 'verified', detail: `${kind} record proven in the certified state at height ${proven.height}${shown === undefined ? '' : '; every field shown matches it'}` };
}
