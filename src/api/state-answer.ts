import { stateProofToJson } from '../crypto/smt.js';
import { decodeAccount } from '../state/contracts/accounts/types.js';
import { decodeAsset } from '../state/contracts/asset/types.js';
import { decodeInvoice } from '../state/contracts/invoice/types.js';
import { stateKeyBytes } from '../state/view.js';
import { fromHex, toHex } from '../util/bytes.js';
import { invariant } from '../util/errors.js';
import type { ApiDeps } from './deps.js';
import { loadFinality } from './finality.js';
import type { AccountRecordJson, AssetRecordJson, InvoiceRecordJson } from './schemas/entity-proofs.js';
import type { StateAnswer } from './schemas/proofs.js';

/** The value of a raw state key (or its absence) with its proof and the certificate of its root. */
export async function stateAnswer(deps: Pick<ApiDeps, 'stateProof' | 'getBlock' | 'onBlockCommitted'>, key: Uint8Array): Promise<StateAnswer> {
  const { height, proof } = await deps.stateProof(key);
  const rec = await deps.getBlock(height);
  invariant(rec !== null, `state proof at height ${height} has no block`);
  return {
    key: toHex(key),
    value: proof.value === null ? null : toHex(proof.value),
    proof: stateProofToJson(proof),
    stateRoot: toHex(rec.committed.block.header.stateRoot),
    height,
    ...(await loadFinality(deps, rec)),
  };
}

/**
 * The proven answer of one entity: `value` is decoded from the very bytes the proof covers
 * (never from a second read, which a commit in between could make disagree).
 */
export async function entityAnswer<T>(deps: Pick<ApiDeps, 'stateProof' | 'getBlock' | 'onBlockCommitted'>, key: string, toJson: (bytes: Uint8Array) => T): Promise<{ key: string; value: T | null; state: StateAnswer }> {
  const state = await stateAnswer(deps, stateKeyBytes(key));
  const bytes = state.proof.value;
  return { key, value: bytes === null ? null : toJson(fromHex(bytes) as Uint8Array), state };
}

/** The stored invoice tuple as JSON (schemas/entity-proofs.ts). */
export function invoiceRecordJson(bytes: Uint8Array): InvoiceRecordJson {
  const i = decodeInvoice(bytes);
  return {
    ...i, amount: i.amount.toString(), paid: i.paid.toString(), advance: i.advance === null ? null : i.advance.toString(),
    offset: i.offset.toString(), parts: [...i.parts],
  };
}

/** The stored asset tuple as JSON. */
export function assetRecordJson(bytes: Uint8Array): AssetRecordJson {
  const a = decodeAsset(bytes);
  return { ...a, metadata: { ...a.metadata } };
}

/** The stored account tuple as JSON. */
export function accountRecordJson(bytes: Uint8Array): AccountRecordJson {
  return { ...decodeAccount(bytes) };
}
