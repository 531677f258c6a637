import { encodeTxEnvelope } from '../codec/tx.js';
import { txFromJson } from '../client/build-tx.js';
import { hexBytes, headerFromJson, qcFromJson, type BlockJson } from '../client/wire.js';
import type { LedgerClient } from '../client/ledger-client.js';
import type { StateTree } from '../crypto/smt.js';
import { buildGenesisState, genesisHash } from '../state/genesis-state.js';
import { replayBlock } from '../state/replay.js';
import type { BlockStore } from '../storage/block-store.js';
import { StorageError } from '../storage/errors.js';
import { CertifiedChain } from '../sync/certified-chain.js';
import type { CommittedBlock } from '../types/block.js';
import type { EpochInfo } from '../consensus/core/types.js';
import type { Genesis } from '../types/genesis.js';
import type { Hash } from '../types/primitives.js';
import type { TxReceipt } from '../types/tx.js';
import { bytesEqual, toHex } from '../util/bytes.js';
import { LedgerError } from '../util/errors.js';
import { EpochHistory, genesisEpoch } from './epochs.js';

/** A committed block with the receipts its source claims for it. */
export interface AuditedBlock {
  readonly committed: CommittedBlock;
  readonly receipts: readonly TxReceipt[];
}

/**
 * What a source throws when the data of one height cannot even be read (a value that no
 * longer decodes, an answer of the wrong shape): the audit fails naming that height.
 */
export class AuditSourceError extends LedgerError<'AUDIT_SOURCE_UNREADABLE'> {
  /** The height whose data is unreadable. */
  readonly height: number;

  constructor(height: number, message: string) {
    super('AUDIT_SOURCE_UNREADABLE', message, { height });
    this.name = 'AuditSourceError';
    this.height = height;
  }
}

/** Where the auditor reads the chain from; it trusts none of it. */
export interface AuditSource {
  /** Blocks [from, from+limit) in height order; fewer at the head; empty above it. May throw AuditSourceError. */
  blocks(from: number, limit: number): Promise<AuditedBlock[]>;
  /** The head height the source claims, when it has one fixed (a stopped node's data directory). */
  readonly claimedHead?: number;
  /** The world state the source keeps for its head, as [raw state key, value]: it must equal re-execution. */
  storedState?(): AsyncIterable<[Uint8Array, Uint8Array]>;
}

/** Result of an audit (the JSON line of `ledger audit`). */
export interface AuditReport {
  readonly ok: boolean;
  readonly height: number;
  /** Blocks verified by this run: above `fromHeight` only, when it started from a checkpoint. */
  readonly blocksVerified: number;
  /** The height this run started above (0: genesis). */
  readonly fromHeight: number;
  readonly genesisHash: string;
  /** First height that failed, and why. */
  readonly badHeight?: number;
  readonly reason?: string;
  /** Where a passed audit ended: what `--checkpoint` writes. */
  readonly end?: AuditEnd;
}

/** The verified end of an audit: enough to resume from it (checkpoint.ts writes it to a file). */
export interface AuditEnd {
  readonly height: number;
  /** The block hash at `height` (the genesis hash at 0). */
  readonly hash: Hash;
  readonly stateRoot: Hash;
  /** Every epoch up to the end, the genesis epoch first. */
  readonly epochs: readonly EpochInfo[];
  /** The re-executed world state at `height`. */
  readonly state: StateTree;
}

/** Options of auditChain. */
export interface AuditOptions {
  /** Called after each batch of blocks with the last verified height. */
  readonly onProgress?: (height: number) => void;
  /** Resume above this verified end (a loaded checkpoint) instead of genesis. */
  readonly from?: AuditEnd;
  /** Stop at this height (inclusive) even if the source has more. */
  readonly to?: number;
}

/**
 * Re-verifies a whole chain from genesis: hash links and header hashes, every commit
 * certificate against the member set in force at its height, every transaction signature
 * (nothing is taken as pre-verified), the transaction, receipt and state roots by
 * re-execution, and the receipts the source serves against the re-executed ones.
 */
export async function auditChain(genesis: Genesis, source: AuditSource, opts: AuditOptions = {}): Promise<AuditReport> {
  const gHash = genesisHash(genesis);
  const from = opts.from;
  const fromHeight = from?.height ?? 0;
  let state = from?.state ?? buildGenesisState(genesis).state;
  let headHash = from?.hash ?? gHash;
  const epochs = new EpochHistory(from?.epochs ?? [genesisEpoch(genesis, gHash)]);
  const proof = new CertifiedChain({ chainId: genesis.chainId, head: { height: fromHeight, hash: headHash } }, { epochAt: (h) => epochs.epochAt(h) });
  const claimed = new Map<number, readonly TxReceipt[]>();
  let verified = fromHeight;
  const fail = (badHeight: number, reason: string): AuditReport => ({
    ok: false, height: verified, blocksVerified: verified - fromHeight, fromHeight, genesisHash: toHex(gHash), badHeight, reason,
  });
  if (from !== undefined && fromHeight > 0) {
    // The checkpoint must be a block of this chain: its hash must be the source's at its height.
    let at: AuditedBlock[];
    try {
      at = await source.blocks(fromHeight, 1);
    } catch (e) {
      if (e instanceof AuditSourceError) return fail(e.height, e.message);
      throw e;
    }
    const b = at[0]?.committed;
    if (b === undefined || b.block.header.height !== fromHeight) return fail(fromHeight, `the checkpoint is at height ${fromHeight}, which the source does not have`);
    if (!bytesEqual(b.hash, from.hash) || !bytesEqual(b.block.header.stateRoot, from.stateRoot)) {
      return fail(fromHeight, `the checkpoint does not match this chain: block ${fromHeight} has hash ${toHex(b.hash)}, the checkpoint says ${toHex(from.hash)}`);
    }
  }
  // Blocks above `to` are still read and linked: their certificates prove the last ones below.
  const limit = opts.to ?? Number.MAX_SAFE_INTEGER;
  let reached = false;
  while (!reached) {
    let batch: AuditedBlock[];
    try {
      batch = await source.blocks(proof.expectedHeight, 64);
    } catch (e) {
      if (e instanceof AuditSourceError) return fail(e.height, e.message);
      throw e;
    }
    if (batch.length === 0) break;
    for (const b of batch) {
      const height = b.committed.block.header.height;
      claimed.set(height, b.receipts);
      const r = proof.add(b.committed);
      if ('error' in r) return fail(height, r.error);
      for (const p of r.proven) {
        const h = p.block.block.header;
        if (h.height > limit) {
          reached = true;
          break;
        }
        const ended = proof.stillInForce(p);
        if (ended !== null) return fail(h.height, ended);
        const replay = replayBlock(state, genesis.chainId, p.block.block);
        if (!replay.ok) return fail(h.height, replay.reason);
        const served = claimed.get(h.height) ?? [];
        const mine = replay.exec.receipts;
        if (served.length !== mine.length || served.some((s, i) => s.ok !== mine[i]?.ok || s.code !== mine[i]?.code || toHex(s.hash) !== toHex(mine[i]?.hash ?? new Uint8Array()))) {
          return fail(h.height, 'receipts differ from re-execution');
        }
        claimed.delete(h.height);
        state = replay.exec.state;
        if (replay.exec.membersChanged !== null) {
          epochs.push({
            epoch: epochs.current.epoch + 1, members: replay.exec.membersChanged.map((m) => m.publicKey),
            startHeight: h.height + 1, rootHash: p.hash, rootView: h.view,
          });
        }
        verified = h.height;
        headHash = p.hash;
        if (verified === limit) reached = true;
      }
      if (reached) break;
    }
    opts.onProgress?.(verified);
  }
  if (opts.to !== undefined && verified < opts.to) return fail(verified + 1, `the chain is verified up to ${verified}, below --to ${opts.to} (missing blocks or certificates)`);
  if (opts.to === undefined && proof.waiting > 0) return fail(verified + 1, 'blocks at the head are not covered by a commit certificate');
  if (opts.to === undefined && source.claimedHead !== undefined && source.claimedHead !== verified) {
    return fail(verified + 1, `the source claims head ${source.claimedHead} but its blocks end at ${verified}`);
  }
  if (source.storedState !== undefined && (opts.to === undefined || opts.to >= (source.claimedHead ?? 0))) {
    const bad = await diffStoredState(state, source.storedState());
    if (bad !== null) return fail(verified, `stored world state differs from re-execution: ${bad}`);
  }
  return {
    ok: true, height: verified, blocksVerified: verified - fromHeight, fromHeight, genesisHash: toHex(gHash),
    end: { height: verified, hash: headHash, stateRoot: state.root, epochs: epochs.all, state },
  };
}

// The stored state is what the node serves and proves from after a restart: every entry must
// be the re-executed one, and nothing may be missing or extra. Streams; holds no second copy.
async function diffStoredState(expected: StateTree, stored: AsyncIterable<[Uint8Array, Uint8Array]>): Promise<string | null> {
  let count = 0;
  for await (const [key, value] of stored) {
    count++;
    const mine = expected.get(key);
    if (mine === undefined) return `key ${toHex(key)} should not exist`;
    if (!bytesEqual(mine, value)) return `value of key ${toHex(key)}`;
  }
  return count === expected.size ? null : `${expected.size - count} keys are missing`;
}

/**
 * Reads blocks from a stopped node's data directory (a started BlockStore), height by height so
 * a damaged value names its height; also offers the head pointer and the stored world state.
 */
export function storeSource(store: BlockStore): AuditSource {
  const head = store.head();
  return {
    claimedHead: head?.height ?? 0,
    async blocks(from, limit) {
      const out: AuditedBlock[] = [];
      for (let h = from; h < from + limit; h++) {
        try {
          const committed = await store.getBlock(h);
          if (committed === null) break;
          const receipts = await store.getReceipts(h);
          if (receipts === null) throw new AuditSourceError(h, `the receipts of height ${h} are missing`);
          out.push({ committed, receipts });
        } catch (e) {
          // Hand over the good blocks first: the next call starts at h and fails there.
          if (out.length > 0) return out;
          if (e instanceof StorageError) throw new AuditSourceError(h, `${e.message}: ${String(e.fields['cause'] ?? '')}`);
          throw e;
        }
      }
      return out;
    },
    storedState: () => store.iterateState(),
  };
}

/** A committed block from its REST form (the auditor re-encodes every transaction canonically). */
export function committedFromJson(j: BlockJson): AuditedBlock {
  const committed: CommittedBlock = {
    block: { header: headerFromJson(j.header), txs: j.txs.map((t) => encodeTxEnvelope(txFromJson(t))) },
    hash: hexBytes(j.hash, 'hash'),
    commitQc: qcFromJson(j.commitQc),
    certifiedHeight: j.certifiedHeight,
    ...(j.suffix !== undefined && j.suffix.length > 0 ? { suffix: j.suffix.map(headerFromJson) } : {}),
  };
  const receipts: TxReceipt[] = j.receipts.map((r) => ({ hash: hexBytes(r.hash, 'receipt.hash'), ok: r.ok, code: r.code, detail: r.detail }));
  return { committed, receipts };
}

/** Reads blocks from a node over REST; an answer that does not parse fails the audit at its height. */
export function clientSource(client: LedgerClient): AuditSource {
  return {
    async blocks(from, limit) {
      const page = await client.blocks({ from, limit });
      return page.items.map((j, i) => {
        try {
          return committedFromJson(j);
        } catch (e) {
          throw new AuditSourceError(from + i, `the node's block ${from + i} is malformed: ${(e as Error).message}`);
        }
      });
    },
  };
}
