import type { ConsensusParams } from '../../types/genesis.js';

const MIB = 1024 * 1024;

/**
 * docs/protocol.md R17 (message limits): the largest message on channel 'consensus'. A
 * proposal carries one whole block, so the largest valid block plus 1 MiB for its header,
 * certificates and framing (maxBlockTxs <= 20,000 transactions add at most 5 bytes each).
 * Block responses are packed under it.
 */
export function consensusMessageLimit(params: ConsensusParams): number {
  return params.maxBlockBytes + MIB;
}

/**
 * The largest message on channel 'sync': 64 MiB, or one largest block with its commit
 * certificate and suffix headers plus 2 MiB when blocks may be larger. Sync answers are
 * packed under it less 1 MiB (syncResponseBudget).
 */
export function syncMessageLimit(params: ConsensusParams): number {
  return Math.max(64 * MIB, params.maxBlockBytes + 2 * MIB);
}

/** What one sync answer may hold: any single valid block still fits the channel above it. */
export function syncResponseBudget(params: ConsensusParams): number {
  return syncMessageLimit(params) - MIB;
}
