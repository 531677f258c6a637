import { txFromJson } from '../client/build-tx.js';
import type { LedgerClient } from '../client/ledger-client.js';
import { verifyFinality, verifyStateAnswer, verifyTxInclusion, type VerifyFailure } from '../client/verify.js';
import type { BlockJson, HeaderJson, HistoryEntryJson, StateAnswer, TxAnswer } from '../client/wire.js';
import { merkleRoot } from '../crypto/merkle.js';
import { txHash } from '../crypto/tx.js';
import { bytesEqual, toHex, utf8 } from '../util/bytes.js';
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
      links = page.blocks.map((b) => b.header);
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

/** The entity kinds the console shows, and their state keys. */
export type EntityKind = 'invoice' | 'asset' | 'account';
const KEY_PREFIX: Record<EntityKind, string> = { invoice: 'inv/', asset: 'asset/', account: 'acct/' };

/**
 * The one place an entity answer (invoice, asset, account) is checked. Today: a state proof
 * shows the record exists in the certified state, but the fields shown are not yet bound to
 * the proven value, so the verdict is `partial`; entity proofs make this `verified`.
 */
export async function checkEntity(kind: EntityKind, id: string, trust: Trust, client: LedgerClient): Promise<Verdict> {
  const answer = await client.stateProof(utf8(KEY_PREFIX[kind] + id));
  const v = checkState(answer, trust);
  if (v.state !== 'verified') return v;
  if (answer.value === null) return { state: 'failed', code: 'NOT_IN_STATE', detail: `the certified state at height ${answer.height} holds no ${kind} ${id}` };
  return { state: 'partial', detail: `${kind} present in the certified state at height ${answer.height}; fields not yet bound to the proof` };
}
