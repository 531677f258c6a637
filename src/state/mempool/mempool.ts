import { prepareTx, verifyPreparedTx, type PreparedTx } from '../../crypto/tx.js';
import type { AdmittedTx, TxEnvelope } from '../../types/tx.js';
import type { Payload, Role } from '../../types/primitives.js';
import { bytesEqual, toHex } from '../../util/bytes.js';
import type { Admission, AdmissionCode } from './errors.js';
import { VerifiedCache } from './verified-cache.js';

/** Why a contract validator refused a payload. */
export interface PayloadProblem {
  readonly field: string;
  readonly reason: string;
}

/** What admission needs to know about a signer, from the latest committed state. */
export interface SignerInfo {
  readonly accountId: string;
  readonly role: Role;
  readonly nextNonce: number;
}

/** Construction options. */
export interface MempoolOpts {
  readonly chainId: string;
  /** Total pending transactions before POOL_FULL. */
  readonly maxTxs: number;
  /** How far ahead of the committed next nonce a signer may queue. */
  readonly maxNonceGap: number;
  /**
   * Admissions waiting for their signature check (addAsync) before POOL_FULL; default 8,192,
   * about a second of both cores' verification here. Without a bound, a flood of requests
   * would queue verifications (and their answers) without limit.
   */
  readonly maxVerifying?: number;
}

/** Verifies ed25519 signatures off the caller's thread (node/verify-pool.ts), same policy as verifySignature. */
export interface TxSignatureVerifier {
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

/** Narrow views of state the pool reads; wired by node/. */
export interface MempoolDeps {
  /**
   * Current-key lookup in the committed state; null for unknown keys. The pool caches answers
   * until the next removeCommitted, which the chain calls every time the committed state moves.
   */
  readonly lookupSigner: (publicKey: Uint8Array) => SignerInfo | null;
  /** Roles allowed to submit a type; undefined for unknown types. */
  readonly rolesFor: (type: string) => readonly Role[] | undefined;
  /**
   * Why the type's contract validator refuses a payload (field and reason), or null when it
   * accepts it (state/contracts/registry.ts payloadProblem). Strict admission: such a
   * transaction could only ever be recorded as PAYLOAD_INVALID, so it never enters the pool.
   */
  readonly payloadProblem: (type: string, payload: Payload) => PayloadProblem | null;
  /** Where addAsync verifies signatures; none = on the calling thread. */
  readonly verifier?: TxSignatureVerifier | null;
}

interface SignerQueue {
  readonly accountId: string;
  /** nonce -> tx */
  readonly byNonce: Map<number, AdmittedTx>;
}

const DEFAULT_MAX_VERIFYING = 8192;

// A consortium has thousands of accounts at most; the cache is dropped whole if a flood of
// unknown keys ever fills it.
const SIGNER_CACHE_MAX = 100_000;

/**
 * Pending transactions, admitted once per node: chain id, signature (verified here and only
 * here; the hash then goes into the verified cache the executor consults), signer, role, nonce
 * window, dedupe, capacity. Transactions wait per signer by nonce; a proposal takes runs of
 * consecutive nonces, so a block never carries a gap.
 */
export class Mempool {
  private readonly opts: MempoolOpts;
  private readonly deps: MempoolDeps;
  private readonly signers = new Map<string, SignerQueue>();
  private readonly byHash = new Map<string, AdmittedTx>();
  /** hash -> account id of its queue (keys can rotate, so the id is recorded at admission). */
  private readonly owner = new Map<string, string>();
  /** Signer key (hex) -> lookupSigner's answer for the current committed state. */
  private readonly signerCache = new Map<string, SignerInfo | null>();
  /** Hashes whose signature this node verified: the executor skips re-verifying them. */
  readonly verified = new VerifiedCache(1 << 20);
  /** addAsync calls waiting for the verifier. */
  private verifying = 0;
  private pendingBytes = 0;

  constructor(opts: MempoolOpts, deps: MempoolDeps) {
    this.opts = opts;
    this.deps = deps;
  }

  /** Number of pending transactions. */
  get size(): number {
    return this.byHash.size;
  }

  /** Encoded bytes of the pending transactions. */
  get bytes(): number {
    return this.pendingBytes;
  }

  /** Admits a decoded envelope, verifying its signature on this thread. */
  add(tx: TxEnvelope): Admission {
    return this.addPrepared(prepareTx(tx));
  }

  /** Admits a prepared transaction (crypto/tx.ts), verifying its signature on this thread. */
  addPrepared(p: PreparedTx): Admission {
    const pre = this.precheck(p);
    if ('ok' in pre) return pre;
    const bad = this.checkPayload(p);
    if (bad !== null) return bad;
    // PERF: the one signature verification of this transaction on this node (~130 µs here),
    // unless this node already verified it (a proposal carried it before its gossip came).
    if (!this.verified.has(p.hash, p.tx.signature) && !verifyPreparedTx(p)) return reject('BAD_SIGNATURE', 'signature does not verify');
    return this.insert(p, pre);
  }

  /**
   * Records that this node verified the signature of each of `txs` (canonical envelope bytes,
   * `hashes` their transaction hashes in the same order), e.g. every transaction of a block
   * that replayed successfully: a copy arriving later by gossip is then not verified again.
   */
  noteVerified(txs: readonly Uint8Array[], hashes: readonly Uint8Array[]): void {
    const n = Math.min(txs.length, hashes.length);
    for (let i = 0; i < n; i++) {
      const bytes = txs[i] as Uint8Array;
      // The signature is the envelope's last 64 bytes (codec/tx.ts); copied, so the cache does
      // not keep the block's transaction buffers alive.
      this.verified.add(hashes[i] as Uint8Array, bytes.slice(bytes.length - 64));
    }
  }

  /**
   * Admits a prepared transaction, verifying its signature through deps.verifier (worker
   * threads) when there is one. The cheap checks run before the verification and again after
   * it, since the pool and the committed state may have moved while it ran.
   */
  async addAsync(p: PreparedTx): Promise<Admission> {
    const verifier = this.deps.verifier;
    if (verifier === undefined || verifier === null) return this.addPrepared(p);
    const pre = this.precheck(p);
    if ('ok' in pre) return pre;
    const bad = this.checkPayload(p);
    if (bad !== null) return bad;
    if (this.verified.has(p.hash, p.tx.signature)) return this.insert(p, pre);
    if (this.verifying >= (this.opts.maxVerifying ?? DEFAULT_MAX_VERIFYING)) return reject('POOL_FULL', 'too many transactions waiting for verification; retry later');
    let valid: boolean;
    this.verifying++;
    try {
      valid = await verifier.verify(p.tx.signer, p.message, p.tx.signature);
    } catch {
      // The verifier reports its own failures; admission still owes this transaction an answer.
      valid = verifyPreparedTx(p);
    } finally {
      this.verifying--;
    }
    if (!valid) return reject('BAD_SIGNATURE', 'signature does not verify');
    const again = this.precheck(p);
    if ('ok' in again) return again;
    return this.insert(p, again);
  }

  /**
   * The contract's own payload validator, run once per admission after the cheap checks (a
   * replayed or duplicate transaction is answered by its nonce or hash first) and before the
   * signature verification. PERF: a few µs; the executor runs the same validator again.
   */
  private checkPayload(p: PreparedTx): Extract<Admission, { ok: false }> | null {
    const problem = this.deps.payloadProblem(p.tx.type, p.tx.payload);
    return problem === null ? null : reject('PAYLOAD_INVALID', `payload.${problem.field}: ${problem.reason}`);
  }

  /** The signer of a key under the committed state, cached (see MempoolDeps.lookupSigner). */
  private signerOf(publicKey: Uint8Array): SignerInfo | null {
    const hex = toHex(publicKey);
    let s = this.signerCache.get(hex);
    if (s === undefined) {
      s = this.deps.lookupSigner(publicKey);
      if (this.signerCache.size >= SIGNER_CACHE_MAX) this.signerCache.clear();
      this.signerCache.set(hex, s);
    }
    return s;
  }

  /**
   * The cheap checks, run before spending a signature verification: the signer, or why not.
   * An exact copy of a pending transaction (same hash and signature) is a duplicate without
   * verifying it again; a copy with another signature is verified first, so a forged one is
   * still refused as BAD_SIGNATURE.
   */
  private precheck(p: PreparedTx): SignerInfo | Extract<Admission, { ok: false }> {
    const tx = p.tx;
    if (tx.chainId !== this.opts.chainId) return reject('WRONG_CHAIN_ID', 'chain id does not match this chain');
    const roles = this.deps.rolesFor(tx.type);
    if (roles === undefined) return reject('UNKNOWN_TX_TYPE', 'unknown transaction type');
    const signer = this.signerOf(tx.signer);
    if (signer === null) return reject('UNKNOWN_SIGNER', 'signer is not a registered account key');
    if (!roles.includes(signer.role)) return reject('ROLE_NOT_ALLOWED', `role ${signer.role} may not submit ${tx.type}`);
    if (tx.nonce < signer.nextNonce) return reject('NONCE_TOO_LOW', `nonce already used; next is ${signer.nextNonce}`);
    if (tx.nonce >= signer.nextNonce + this.opts.maxNonceGap) {
      return reject('NONCE_TOO_HIGH', `nonce too far ahead; next is ${signer.nextNonce}`);
    }
    const pending = this.byHash.get(toHex(p.hash));
    if (pending !== undefined && bytesEqual(pending.tx.signature, tx.signature)) return reject('DUPLICATE_TX', 'transaction already pending');
    if (this.byHash.size >= this.opts.maxTxs) return reject('POOL_FULL', 'transaction pool is full; retry later');
    return signer;
  }

  private insert(p: PreparedTx, signer: SignerInfo): Admission {
    const hashHex = toHex(p.hash);
    if (this.byHash.has(hashHex)) return reject('DUPLICATE_TX', 'transaction already pending');
    let q = this.signers.get(signer.accountId);
    if (q === undefined) {
      q = { accountId: signer.accountId, byNonce: new Map() };
      this.signers.set(signer.accountId, q);
    }
    if (q.byNonce.has(p.tx.nonce)) return reject('DUPLICATE_TX', 'a transaction with this nonce is already pending');
    const poolWasEmpty = this.byHash.size === 0;
    // Only the three fields: the signed message is not kept for the transaction's stay here.
    const admitted: AdmittedTx = { tx: p.tx, bytes: p.bytes, hash: p.hash };
    q.byNonce.set(p.tx.nonce, admitted);
    this.byHash.set(hashHex, admitted);
    this.pendingBytes += p.bytes.length;
    this.owner.set(hashHex, signer.accountId);
    this.verified.addHex(hashHex, p.tx.signature);
    return { ok: true, hash: p.hash, poolWasEmpty };
  }

  /**
   * The nonce a new transaction of this account should use: past every pending nonce that
   * continues the committed sequence without a gap (what `ledger tx` asks for).
   */
  pendingNextNonce(accountId: string, committedNext: number): number {
    const q = this.signers.get(accountId);
    let n = committedNext;
    while (q !== undefined && q.byNonce.has(n)) n++;
    return n;
  }

  /** True when the hash is pending here. */
  has(hash: Uint8Array): boolean {
    return this.byHash.has(toHex(hash));
  }

  /** A pending transaction by hash. */
  get(hash: Uint8Array): AdmittedTx | undefined {
    return this.byHash.get(toHex(hash));
  }

  /** True when some signer's pending transactions start at `nextNonce(accountId)`. */
  hasSelectable(nextNonce: (accountId: string) => number): boolean {
    for (const q of this.signers.values()) if (q.byNonce.has(nextNonce(q.accountId))) return true;
    return false;
  }

  /**
   * Picks transactions for a block: per signer a run of consecutive nonces starting at
   * `nextNonce(accountId)` (the parent block's speculative state, which may be ahead of
   * committed state), signers taken round-robin so one busy signer cannot starve others.
   */
  select(nextNonce: (accountId: string) => number, maxTxs: number, maxBytes: number): AdmittedTx[] {
    const out: AdmittedTx[] = [];
    let bytes = 0;
    const cursors: { q: SignerQueue; nonce: number; done: boolean }[] = [];
    for (const q of this.signers.values()) cursors.push({ q, nonce: nextNonce(q.accountId), done: false });
    let progressed = true;
    while (progressed && out.length < maxTxs) {
      progressed = false;
      for (const c of cursors) {
        if (out.length >= maxTxs) break;
        if (c.done) continue;
        const tx = c.q.byNonce.get(c.nonce);
        if (tx === undefined) continue;
        if (bytes + tx.bytes.length > maxBytes) return out;
        out.push(tx);
        bytes += tx.bytes.length;
        c.nonce++;
        progressed = true;
        // After a key rotation the signer's later transactions (signed with the old key) would
        // make the block invalid: they wait for a later block, after the rotation is applied.
        if (tx.tx.type === 'account.rotate') c.done = true;
      }
    }
    return out;
  }

  /**
   * Drops what a committed block settled: its transactions, and for each signer every
   * pending nonce below the committed next nonce (those can never be included now). The chain
   * calls it after every change of the committed state, so it also forgets cached signers.
   */
  removeCommitted(hashes: readonly Uint8Array[], nextNonce: (accountId: string) => number): void {
    this.signerCache.clear();
    const touched = new Set<SignerQueue>();
    for (const h of hashes) {
      const hex = toHex(h);
      const tx = this.byHash.get(hex);
      if (tx === undefined) continue;
      this.byHash.delete(hex);
      this.pendingBytes -= tx.bytes.length;
      const q = this.signers.get(this.owner.get(hex) ?? '');
      this.owner.delete(hex);
      if (q !== undefined && q.byNonce.get(tx.tx.nonce) === tx) {
        q.byNonce.delete(tx.tx.nonce);
        touched.add(q);
      }
    }
    for (const q of touched) {
      const next = nextNonce(q.accountId);
      for (const [nonce, tx] of q.byNonce) {
        if (nonce < next) {
          q.byNonce.delete(nonce);
          const hex = toHex(tx.hash);
          this.byHash.delete(hex);
          this.pendingBytes -= tx.bytes.length;
          this.owner.delete(hex);
        }
      }
      if (q.byNonce.size === 0) this.signers.delete(q.accountId);
    }
  }
}

function reject(code: AdmissionCode, message: string): Extract<Admission, { ok: false }> {
  return { ok: false, code, message };
}
