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
import type { Genesis } from '../types/genesis.js';
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
  readonly blocksVerified: number;
  readonly genesisHash: string;
  /** First height that failed, and why. */
  readonly badHeight?: number;
  readonly reason?: string;
}

/**
 * Re-verifies a whole chain from genesis: hash links and header hashes, every commit
 * certificate against the member set in force at its height, every transaction signature
 * (nothing is taken as pre-verified), the transaction, receipt and state roots by
 * re-execution, and the receipts the source serves against the re-executed ones.
 */
export async function auditChain(genesis: Genesis, source: AuditSource, onProgress: (height: number) => void = () => undefined): Promise<AuditReport> {
  const gHash = genesisHash(genesis);
  let state = buildGenesisState(genesis).state;
  const epochs = new EpochHistory([genesisEpoch(genesis, gHash)]);
  const proof = new CertifiedChain({ chainId: genesis.chainId, head: { height: 0, hash: gHash } }, { epochAt: (h) => epochs.epochAt(h) });
  const claimed = new Map<number, readonly TxReceipt[]>();
  let verified = 0;
  const fail = (badHeight: number, reason: string): AuditReport => ({ ok: false, height: verified, blocksVerified: verified, genesisHash: toHex(gHash), badHeight, reason });
  for (;;) {
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
      }
    }
    onProgress(verified);
  }
  if (proof.waiting > 0) return fail(verified + 1, 'blocks at the head are not covered by a commit certificate');
  if (source.claimedHead !== undefined && source.claimedHead !== verified) {
    return fail(verified + 1, `the source claims head ${source.claimedHead} but its blocks end at ${verified}`);
  }
  if (source.storedState !== undefined) {
    const bad = await diffStoredState(state, source.storedState());
    if (bad !== null) return fail(verified, `stored world state differs from re-execution: ${bad}`);
  }
  return { ok: true, height: verified, blocksVerified: verified, genesisHash: toHex(gHash) };
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
