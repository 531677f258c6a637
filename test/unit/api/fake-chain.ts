import { encodeHeader, encodeReceipt, encodeTxEnvelope, encodeVoteData } from '../../../src/codec/index.js';
import { DOMAIN_VOTE_V1, signingBytes } from '../../../src/codec/domains.js';
import { signMessage, signingKeyFromSeed, type SigningKey } from '../../../src/crypto/ed25519.js';
import { sha256 } from '../../../src/crypto/hash.js';
import { merkleRoot } from '../../../src/crypto/merkle.js';
import { StateTree } from '../../../src/crypto/smt.js';
import { txHash } from '../../../src/crypto/tx.js';
import type { BlockRecord } from '../../../src/api/deps.js';
import type { BlockHeader, QuorumCert, VoteData } from '../../../src/types/block.js';
import type { Member } from '../../../src/types/genesis.js';
import type { TxEnvelope, TxReceipt } from '../../../src/types/tx.js';
import { toHex, u64be, utf8 } from '../../../src/util/bytes.js';

/** Deterministic key number `i` of a test (seed = i repeated). */
export function testKey(i: number): SigningKey {
  return signingKeyFromSeed(new Uint8Array(32).fill(i + 1));
}

/** What a block does to one of its transactions. */
export interface TxOutcome {
  readonly code: string;
  readonly detail?: Record<string, string | number>;
}

/**
 * A chain of real blocks for API tests: real headers, Merkle roots, a real state tree and
 * QCs signed by four member keys, shaped like consensus output (2-chain commit certificates,
 * ancestors committed with a descendant's certificate). No consensus runs: blocks are made
 * on demand.
 */
export class FakeChain {
  readonly chainId = 'test-chain';
  readonly memberKeys: readonly SigningKey[] = [0, 1, 2, 3].map((i) => testKey(100 + i));
  readonly members: readonly Member[] = this.memberKeys.map((k, i) => ({
    name: `member${i}`,
    publicKey: k.publicKey,
    address: `/ip4/127.0.0.1/tcp/${9080 + i}`,
  }));
  readonly blocks: BlockRecord[] = [];
  readonly txIndex = new Map<string, { height: number; index: number }>();
  state = StateTree.empty();
  private view = 0;
  /** views[h - 1] is the view of the block at height h. */
  private readonly views: number[] = [];

  get height(): number {
    return this.blocks.length;
  }

  get head(): BlockRecord | undefined {
    return this.blocks[this.blocks.length - 1];
  }

  /**
   * Commits one block per group. Within a call, views skip one between blocks (a failed
   * view), so only the last block is committed directly and the others as its ancestors,
   * carrying its certificate and certifiedHeight.
   */
  commit(groups: readonly (readonly TxEnvelope[])[], outcomes: ReadonlyMap<string, TxOutcome> = new Map()): BlockRecord[] {
    const made: { header: BlockHeader; hash: Uint8Array; txs: Uint8Array[]; receipts: TxReceipt[] }[] = [];
    let parentHash = this.head?.committed.hash ?? new Uint8Array(32);
    let parentQc: QuorumCert | null = this.head === undefined ? null : this.certify(this.head.committed.block.header, this.head.committed.hash);
    for (const [g, txs] of groups.entries()) {
      this.view += g === 0 ? 1 : 2;
      const receipts: TxReceipt[] = [];
      const writes: [Uint8Array, Uint8Array][] = [];
      for (const tx of txs) {
        const hash = txHash(tx);
        const outcome = outcomes.get(toHex(hash));
        receipts.push({ hash, ok: outcome === undefined, code: outcome?.code ?? null, detail: outcome?.detail ?? null });
        if (outcome === undefined) writes.push([utf8(`nonce/${toHex(tx.signer)}`), u64be(tx.nonce + 1)]);
      }
      this.state = this.state.update(writes);
      const header: BlockHeader = {
        chainId: this.chainId,
        epoch: 0,
        height: this.height + made.length + 1,
        view: this.view,
        parentHash,
        txRoot: merkleRoot(receipts.map((r) => r.hash)),
        stateRoot: this.state.root,
        receiptsRoot: merkleRoot(receipts.map(encodeReceipt)),
        proposer: this.view % this.members.length,
        timestampMs: 1_700_000_000_000 + this.view * 1000,
        parentQc,
      };
      const hash = sha256(encodeHeader(header));
      made.push({ header, hash, txs: txs.map(encodeTxEnvelope), receipts });
      this.views.push(header.view);
      parentQc = this.certify(header, hash);
      parentHash = hash;
    }
    const last = made[made.length - 1];
    if (last === undefined) return [];
    // The certificate of the last block: a QC on its child in the next view (2-chain rule).
    const commitQc = this.qc(last.header, last.hash, last.header.view + 1, sha256(utf8(`child of ${last.header.height}`)));
    const out: BlockRecord[] = [];
    for (const m of made) {
      const rec: BlockRecord = {
        committed: { block: { header: m.header, txs: m.txs }, hash: m.hash, commitQc, certifiedHeight: last.header.height },
        receipts: m.receipts,
      };
      m.receipts.forEach((r, index) => this.txIndex.set(toHex(r.hash), { height: m.header.height, index }));
      this.blocks.push(rec);
      out.push(rec);
    }
    return out;
  }

  /** The block at `height`, or null. */
  block(height: number): BlockRecord | null {
    return this.blocks[height - 1] ?? null;
  }

  /** The QC on a block itself (what its child carries as parentQc). */
  certify(header: BlockHeader, hash: Uint8Array): QuorumCert {
    const parentView = header.height === 1 ? 0 : (this.views[header.height - 2] ?? 0);
    return this.sign({ epoch: 0, view: header.view, height: header.height, blockHash: hash, parentView, parentHash: header.parentHash });
  }

  /** A QC signed by `signers` (default: the first three of four members) on a child of `parent`. */
  qc(parent: BlockHeader, parentHash: Uint8Array, childView: number, childHash: Uint8Array, signers = [0, 1, 2]): QuorumCert {
    return this.sign({ epoch: 0, view: childView, height: parent.height + 1, blockHash: childHash, parentView: parent.view, parentHash }, signers);
  }

  /** Signs VoteData with the given members' keys. */
  sign(data: VoteData, signers = [0, 1, 2]): QuorumCert {
    const msg = signingBytes(DOMAIN_VOTE_V1, this.chainId, encodeVoteData(data));
    return {
      data,
      signatures: signers.map((member) => ({ member, signature: signMessage(this.memberKeys[member] as SigningKey, msg) })),
    };
  }
}
