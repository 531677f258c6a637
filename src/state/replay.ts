import type { StateTree } from '../crypto/smt.js';
import type { Block } from '../types/block.js';
import type { Hash, Signature } from '../types/primitives.js';
import { bytesEqual } from '../util/bytes.js';
import { executeBlock, type ExecutedBlock } from './executor.js';

/** Outcome of re-executing a block someone else produced. */
export type ReplayResult = { readonly ok: true; readonly exec: ExecutedBlock } | { readonly ok: false; readonly reason: string };

/**
 * Re-executes `block` on `state` (the state after its parent) and checks that it reproduces
 * the header's state, transaction and receipt roots. Without `isVerified` every transaction
 * signature is checked again (what an auditor wants); sync passes the node's cache.
 * Used by sync (catch-up), the node's chain and `ledger audit`.
 */
export function replayBlock(state: StateTree, chainId: string, block: Block, isVerified?: (hash: Hash, signature: Signature) => boolean): ReplayResult {
  const h = block.header;
  const exec = executeBlock({
    state, height: h.height, blockTimeMs: h.timestampMs, chainId, txs: block.txs,
    ...(isVerified !== undefined ? { isVerified } : {}),
  });
  if (!exec.valid) return { ok: false, reason: `invalid block: ${exec.reason.code}` };
  if (!bytesEqual(exec.txRoot, h.txRoot)) return { ok: false, reason: 'transaction root differs' };
  if (!bytesEqual(exec.receiptsRoot, h.receiptsRoot)) return { ok: false, reason: 'receipts root differs' };
  if (!bytesEqual(exec.stateRoot, h.stateRoot)) return { ok: false, reason: 'state root differs' };
  return { ok: true, exec };
}
