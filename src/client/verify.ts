import { DOMAIN_TX_V1, signingBytes } from '../codec/domains.js';
import { checkQuorumCert, quorumSize } from '../crypto/certs.js';
import { encodeHeader } from '../codec/block.js';
import { encodeTxBody } from '../codec/tx.js';
import { verifySignature } from '../crypto/ed25519.js';
import { sha256 } from '../crypto/hash.js';
import { verifyMerkleProof } from '../crypto/merkle.js';
import { stateProofFromJson, verifyStateProof, type StateProof } from '../crypto/smt.js';
import { txHash } from '../crypto/tx.js';
import type { BlockHeader, QuorumCert } from '../types/block.js';
import type { Hash, Height, PublicKey } from '../types/primitives.js';
import { bytesEqual, toHex } from '../util/bytes.js';
import { err, ok, type Result } from '../util/result.js';
import { txFromJson } from './build-tx.js';
import { headerFromJson, hexBytes, qcFromJson, type FinalityJson, type StateAnswer, type TxAnswer } from './wire.js';

// Independent checks of the node's answers: given only the member set (e.g. from the genesis
// file), a client proves that a transaction or a state value is part of a finalised block
// without trusting the node that served it.

/** Why an answer did not verify. */
export type VerifyErrorCode =
  | 'MALFORMED'
  | 'NOT_COMMITTED'
  | 'CHAIN_ID_MISMATCH'
  | 'TX_HASH_MISMATCH'
  | 'TX_SIGNATURE_INVALID'
  | 'INCLUSION_PROOF_INVALID'
  | 'STATE_PROOF_INVALID'
  | 'STATE_ROOT_MISMATCH'
  | 'BLOCK_HASH_MISMATCH'
  | 'LINK_BROKEN'
  | 'QC_NOT_FOR_BLOCK'
  | 'QC_NOT_CONSECUTIVE'
  | 'QC_SIGNATURE_INVALID'
  | 'QC_QUORUM_MISSING'
  | 'EPOCH_MISMATCH'
  | 'KEY_MISMATCH'
  | 'VALUE_MISMATCH'
  | 'VALUE_UNDECODABLE'
  | 'HISTORY_MISMATCH';

/** A failed verification: the code and the detail. */
export interface VerifyFailure {
  readonly code: VerifyErrorCode;
  readonly message: string;
}

/** Anything with a validator key: genesis Members, or keys alone. */
export interface MemberKey {
  readonly publicKey: PublicKey;
}

/**
 * Who certifies a height: a fixed member list (one epoch), or a MemberSets built from the
 * genesis and the member-set changes since (member-sets.ts), which also names the epoch a
 * header at that height must carry.
 */
export type MemberSource = readonly MemberKey[] | { membersAt(height: Height): readonly MemberKey[]; epochAt(height: Height): number };

/** Options of the verifiers. */
export interface VerifyOptions {
  /** Expected chain id; when given, an answer from another chain fails even if well signed. */
  readonly chainId?: string;
}

/** What a verified transaction answer proves. */
export interface VerifiedTx {
  readonly hash: Hash;
  readonly height: Height;
  readonly index: number;
  readonly status: 'committed' | 'rejected';
}

/** What a verified state answer proves: `value` (null = absent) of `key` after block `height`. */
export interface VerifiedState {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
  readonly height: Height;
}

type Check<T> = Result<T, VerifyFailure>;

function fail(code: VerifyErrorCode, message: string): Check<never> {
  return err({ code, message });
}

export { quorumSize };

/**
 * Proves that `answer.tx` is in the block of `answer.header` at `answer.index` (RFC 6962 proof
 * against header.txRoot), that the transaction is signed by its signer, and that the header is
 * final under `members` (verifyFinality).
 */
export function verifyTxInclusion(answer: TxAnswer, members: MemberSource, opts: VerifyOptions = {}): Check<VerifiedTx> {
  const { status, tx: txJson, proof, receipt, height, index } = answer;
  if (status !== 'committed' && status !== 'rejected') return fail('NOT_COMMITTED', `transaction is ${status}`);
  if (txJson === undefined || proof === undefined || receipt === undefined || height === undefined || index === undefined) {
    return fail('MALFORMED', 'answer lacks the transaction, its receipt or its proof');
  }
  const finality = finalityOf(answer);
  if (finality === null) return fail('MALFORMED', 'answer lacks the header or its certificate');
  return guard(() => {
    const hash = hexBytes(answer.hash, 'hash');
    const tx = txFromJson(txJson);
    if (txJson.hash !== toHex(hash) || !bytesEqual(txHash(tx), hash)) return fail('TX_HASH_MISMATCH', 'the transaction does not hash to the answered hash');
    if (!verifySignature(tx.signer, signingBytes(DOMAIN_TX_V1, tx.chainId, encodeTxBody(tx)), tx.signature)) {
      return fail('TX_SIGNATURE_INVALID', 'the transaction signature does not verify');
    }
    if (receipt.hash !== toHex(hash) || receipt.ok !== (status === 'committed')) {
      return fail('MALFORMED', 'receipt does not match the transaction or its status');
    }
    const final = verifyFinality(finality, members, opts);
    if (!final.ok) return final;
    const header = final.value;
    if (tx.chainId !== header.chainId) return fail('CHAIN_ID_MISMATCH', 'transaction and block are on different chains');
    if (header.height !== height || proof.index !== index) return fail('MALFORMED', 'height or index disagrees with the proof');
    const siblings = proof.siblings.map((s, i) => hexBytes(s, `proof.siblings[${i}]`));
    if (!verifyMerkleProof(header.txRoot, hash, { index: proof.index, size: proof.size, siblings })) {
      return fail('INCLUSION_PROOF_INVALID', 'the inclusion proof does not lead to header.txRoot');
    }
    return ok({ hash, height, index, status });
  });
}

/**
 * Proves that `answer.value` is the value of `answer.key` (null: absent) in the state committed
 * by `answer.header.stateRoot`, and that the header is final under `members`.
 */
export function verifyStateAnswer(answer: StateAnswer, members: MemberSource, opts: VerifyOptions = {}): Check<VerifiedState> {
  return guard(() => {
    let proof: StateProof;
    try {
      proof = stateProofFromJson(answer.proof);
    } catch (e) {
      return fail('MALFORMED', `state proof: ${(e as Error).message}`);
    }
    const value = answer.value === null ? null : hexBytes(answer.value, 'value', null);
    const key = hexBytes(answer.key, 'key', null);
    if (!bytesEqual(key, proof.key) || (value === null ? proof.value !== null : proof.value === null || !bytesEqual(value, proof.value))) {
      return fail('STATE_PROOF_INVALID', 'the proof is for another key or value');
    }
    const final = verifyFinality(answer, members, opts);
    if (!final.ok) return final;
    const header = final.value;
    if (answer.stateRoot !== toHex(header.stateRoot) || answer.height !== header.height) {
      return fail('STATE_ROOT_MISMATCH', 'stateRoot or height disagrees with the header');
    }
    if (!verifyStateProof(header.stateRoot, proof)) return fail('STATE_PROOF_INVALID', 'the state proof does not lead to header.stateRoot');
    return ok({ key, value, height: header.height });
  });
}

/**
 * Proves a header final under the 2-chain rule: the header hashes to `blockHash`; the `links`
 * chain from it by parent hash up to certifiedHeight; and `commitQc` is a QC, signed by more
 * than 2/3 of `members`, on a child of that certified block in the very next view
 * (VoteData.parentHash = its hash, parentView = its view = VoteData.view - 1). Returns the header.
 */
export function verifyFinality(f: FinalityJson, members: MemberSource, opts: VerifyOptions = {}): Check<BlockHeader> {
  return guard(() => {
    const header = headerFromJson(f.header);
    if (opts.chainId !== undefined && header.chainId !== opts.chainId) return fail('CHAIN_ID_MISMATCH', `header is for chain ${header.chainId}`);
    let hash = sha256(encodeHeader(header));
    if (f.blockHash !== toHex(hash)) return fail('BLOCK_HASH_MISMATCH', 'blockHash is not the hash of the header');
    if (f.certifiedHeight !== header.height + f.links.length) return fail('LINK_BROKEN', 'links do not reach certifiedHeight');
    let tip = header;
    for (const linkJson of f.links) {
      const link = headerFromJson(linkJson);
      if (link.chainId !== header.chainId || link.height !== tip.height + 1 || !bytesEqual(link.parentHash, hash)) {
        return fail('LINK_BROKEN', `header ${link.height} does not extend header ${tip.height}`);
      }
      hash = sha256(encodeHeader(link));
      tip = link;
    }
    const qc = qcFromJson(f.commitQc);
    const d = qc.data;
    if (!bytesEqual(d.parentHash, hash) || d.height !== tip.height + 1) return fail('QC_NOT_FOR_BLOCK', 'commitQc does not certify a child of the certified block');
    if (d.parentView !== tip.view || d.view !== d.parentView + 1) return fail('QC_NOT_CONSECUTIVE', 'commitQc is not for a child in the next view');
    let keys: readonly MemberKey[];
    if (isMemberList(members)) keys = members;
    else {
      // A block is certified by the members of its own epoch (docs/protocol.md R20).
      const epoch = members.epochAt(header.height);
      if (header.epoch !== epoch || d.epoch !== epoch) return fail('EPOCH_MISMATCH', `height ${header.height} belongs to epoch ${epoch}, the answer names ${header.epoch}`);
      keys = members.membersAt(header.height);
    }
    const sigs = verifyQcSignatures(qc, header.chainId, keys);
    if (!sigs.ok) return sigs;
    return ok(header);
  });
}

/** Checks every signature of a QC and that they come from more than 2/3 of distinct members. */
export function verifyQcSignatures(qc: QuorumCert, chainId: string, members: readonly MemberKey[]): Check<number> {
  const problem = checkQuorumCert(qc, chainId, members.map((m) => m.publicKey));
  if (problem !== null) return fail(problem.code === 'QUORUM_MISSING' ? 'QC_QUORUM_MISSING' : 'QC_SIGNATURE_INVALID', problem.message);
  return ok(qc.signatures.length);
}

function isMemberList(m: MemberSource): m is readonly MemberKey[] {
  return Array.isArray(m);
}

function finalityOf(a: TxAnswer): FinalityJson | null {
  const { header, blockHash, commitQc, certifiedHeight, links } = a;
  if (header === undefined || blockHash === undefined || commitQc === undefined || certifiedHeight === undefined || links === undefined) return null;
  return { header, blockHash, commitQc, certifiedHeight, links };
}

// Answers come from an untrusted node: any shape error thrown while reading one (bad hex, a
// missing field, a value the codec refuses) is a failed verification, never an exception.
function guard<T>(check: () => Check<T>): Check<T> {
  try {
    return check();
  } catch (e) {
    return fail('MALFORMED', e instanceof Error ? e.message : 'malformed answer');
  }
}
