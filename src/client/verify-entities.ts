import type { Genesis } from '../types/genesis.js';
import type { Height } from '../types/primitives.js';
import { toHex, utf8 } from '../util/bytes.js';
import { err, ok, type Result } from '../util/result.js';
import { MemberSets, type MemberChangeJson, type MemberChangeFailure } from './member-sets.js';
import { decodeAccountRecord, decodeAssetRecord, decodeInvoiceRecord, STATE_KEYS } from './records.js';
import { verifyFinality, verifyStateAnswer, verifyTxInclusion, type MemberSource, type VerifyFailure, type VerifyOptions, type VerifiedTx } from './verify.js';
import type { AccountRecordJson, AssetRecordJson, EntityProofJson, InvoiceRecordJson, ProvenHistoryJson } from './wire.js';

// Verifiers of the `?proof=true` answers of invoices, assets, accounts and their histories.
// Each proves the answer against the member set of its height and returns what it proves,
// decoded from the proven bytes themselves: the node's `value` is only compared with them.
// Nothing here uses a node-only API beyond what codec and crypto use.

type Check<T> = Result<T, VerifyFailure>;

/** A verified entity: its decoded record (null: proven absent) as of block `height`. */
export interface VerifiedEntity<T> {
  readonly key: string;
  readonly value: T | null;
  readonly height: Height;
}

/** A verified history entry: where its transaction is, and what that transaction is (type, signer key, payload). */
export interface VerifiedHistoryEntry extends VerifiedTx {
  readonly type: string;
  readonly signer: string;
  readonly payload: unknown;
}

/** A verified history: every entry's transaction is committed, and where. */
export interface VerifiedHistory {
  readonly id: string;
  readonly entries: readonly VerifiedHistoryEntry[];
}

function fail(code: VerifyFailure['code'], message: string): Check<never> {
  return err({ code, message });
}

/** Proves `answer` is the record (or the absence) of `key`, decodes it with `decode` and compares it with `answer.value`. */
function verifyEntity<T>(answer: EntityProofJson<T>, key: string, decode: (b: Uint8Array) => T, members: MemberSource, opts: VerifyOptions): Check<VerifiedEntity<T>> {
  if (typeof answer !== 'object' || answer === null || typeof answer.state !== 'object' || answer.state === null) return fail('MALFORMED', 'not a proven answer (ask with ?proof=true)');
  if (answer.key !== key || answer.state.key !== toHex(utf8(key))) return fail('KEY_MISMATCH', `the answer is for ${String(answer.key)}, not ${key}`);
  const proven = verifyStateAnswer(answer.state, members, opts);
  if (!proven.ok) return proven;
  let value: T | null = null;
  if (proven.value.value !== null) {
    try {
      value = decode(proven.value.value);
    } catch (e) {
      return fail('VALUE_UNDECODABLE', `the proven value of ${key} does not decode: ${(e as Error).message}`);
    }
  }
  if (!sameJson(value, answer.value)) return fail('VALUE_MISMATCH', `the answered value of ${key} is not the proven one`);
  return ok({ key, value, height: proven.value.height });
}

/** Verifies GET /v1/invoices/:id?proof=true; value null = the invoice provably does not exist. */
export function verifyInvoice(answer: EntityProofJson<InvoiceRecordJson>, id: string, members: MemberSource, opts: VerifyOptions = {}): Check<VerifiedEntity<InvoiceRecordJson>> {
  return verifyEntity(answer, STATE_KEYS.invoice(id), decodeInvoiceRecord, members, opts);
}

/** Verifies GET /v1/assets/:id?proof=true; value null = the asset provably does not exist. */
export function verifyAsset(answer: EntityProofJson<AssetRecordJson>, id: string, members: MemberSource, opts: VerifyOptions = {}): Check<VerifiedEntity<AssetRecordJson>> {
  return verifyEntity(answer, STATE_KEYS.asset(id), decodeAssetRecord, members, opts);
}

/**
 * Verifies GET /v1/accounts/:idOrKey?proof=true. Asked by current public key, the proven record
 * must carry that key; asked by id, it must be that id (value null: no account with that id).
 */
export function verifyAccount(answer: EntityProofJson<AccountRecordJson>, idOrKey: string, members: MemberSource, opts: VerifyOptions = {}): Check<VerifiedEntity<AccountRecordJson>> {
  const asked = /^[0-9a-fA-F]{64}$/.test(idOrKey) ? idOrKey.toLowerCase() : idOrKey;
  const key = typeof answer?.key === 'string' && answer.key.startsWith('acct/') ? answer.key : STATE_KEYS.account(asked);
  const r = verifyEntity(answer, key, decodeAccountRecord, members, opts);
  if (!r.ok) return r;
  const v = r.value.value;
  if (v === null ? key !== STATE_KEYS.account(asked) : v.id !== asked && v.publicKey !== asked) {
    return fail('KEY_MISMATCH', `the proven account is not ${idOrKey}`);
  }
  return r;
}

/**
 * Verifies GET /v1/{invoices,assets}/:id/history?proof=true: every entry's transaction is
 * committed (inclusion proof, signature, finality) at the entry's height and hash, heights in
 * order. The entry's event type, signer id and detail are the node's description; the proven
 * transaction (type, signer key, payload) comes back with each entry. It proves that the
 * entries shown happened; that none is left out is bounded by the current record's proven
 * updatedHeight, not proven.
 */
export function verifyHistory(answer: ProvenHistoryJson, id: string, members: MemberSource, opts: VerifyOptions = {}): Check<VerifiedHistory> {
  if (typeof answer !== 'object' || answer === null || !Array.isArray(answer.items)) return fail('MALFORMED', 'not a proven history (ask with ?proof=true)');
  if (answer.id !== id) return fail('KEY_MISMATCH', `the history is of ${String(answer.id)}, not ${id}`);
  const out: VerifiedHistoryEntry[] = [];
  for (const [i, e] of answer.items.entries()) {
    if (e.tx === undefined) return fail('MALFORMED', `entry ${i} has no transaction proof`);
    const r = verifyTxInclusion(e.tx, members, opts);
    if (!r.ok) return err({ code: r.error.code, message: `entry ${i}: ${r.error.message}` });
    if (r.value.status !== 'committed') return fail('HISTORY_MISMATCH', `entry ${i}: its transaction was rejected`);
    if (e.txHash !== e.tx.hash || e.height !== r.value.height) return fail('HISTORY_MISMATCH', `entry ${i} is not at its transaction's hash and height`);
    if (i > 0 && e.height < (answer.items[i - 1]?.height ?? 0)) return fail('HISTORY_MISMATCH', `entry ${i} is older than entry ${i - 1}`);
    const tx = e.tx.tx as NonNullable<typeof e.tx.tx>;
    out.push({ ...r.value, type: tx.type, signer: tx.signer, payload: tx.payload });
  }
  return ok({ id, entries: out });
}

/**
 * The member sets of a chain from its genesis and the member-set changes since (for instance
 * the `memberChanges` of a `ledger audit --checkpoint` file). Changes carrying their root are
 * checked against the previous epoch's members.
 */
export function memberSetsFrom(genesis: Genesis, changes: readonly MemberChangeJson[] = []): Result<MemberSets, MemberChangeFailure> {
  const sets = new MemberSets(genesis);
  for (const c of changes) {
    const r = sets.add(c, (root, prev) => {
      const f = verifyFinality(root, prev, { chainId: genesis.chainId });
      return f.ok ? ok({ height: f.value.height, epoch: f.value.epoch }) : f;
    });
    if (!r.ok) return r;
  }
  return ok(sets);
}

// The decoded record and the answered one must be the same JSON: same keys, same values.
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

