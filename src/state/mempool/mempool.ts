import { admitSignedTx } from '../../crypto/tx.js';
import type { AdmittedTx, TxEnvelope } from '../../types/tx.js';
import type { Role } from '../../types/primitives.js';
import { toHex } from '../../util/bytes.js';
import type { Admission, AdmissionCode } from './errors.js';
import { VerifiedCache } from './verified-cache.js';

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
}

/** Narrow views of state the pool reads; wired by node/. */
export interface MempoolDeps {
  /** Current-key lookup in the committed state; null for unknown keys. */
  readonly lookupSigner: (publicKey: Uint8Array) => SignerInfo | null;
  /** Roles allowed to submit a type; undefined for unknown types. */
  readonly rolesFor: (type: string) => readonly Role[] | undefined;
}

interface SignerQueue {
  readonly accountId: string;
  /** nonce -> tx */
  readonly byNonce: Map<number, AdmittedTx>;
}

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
  /** Hashes whose signature this node verified: the executor skips re-verifying them. */
  readonly verified = new VerifiedCache(1 << 20);

  constructor(opts: MempoolOpts, deps: MempoolDeps) {
    this.opts = opts;
    this.deps = deps;
  }

  /** Number of pending transactions. */
  get size(): number {
    return this.byHash.size;
  }

  /** Admits a decoded envelope (from REST or gossip). */
  add(tx: TxEnvelope): Admission {
    const pre = this.precheck(tx);
    if (pre !== null) return pre;
    // PERF: the one signature verification of this transaction on this node (~60 µs).
    const admitted = admitSignedTx(tx);
    if (admitted === null) return reject('BAD_SIGNATURE', 'signature does not verify');
    return this.insert(admitted);
  }

  /** Admits a transaction whose signature was verified elsewhere on this node (a worker thread). */
  addVerified(admitted: AdmittedTx): Admission {
    const pre = this.precheck(admitted.tx);
    if (pre !== null) return pre;
    return this.insert(admitted);
  }

  /** The cheap checks, run before spending a signature verification. */
  precheck(tx: TxEnvelope): Admission | null {
    if (tx.chainId !== this.opts.chainId) return reject('WRONG_CHAIN_ID', 'chain id does not match this chain');
    const roles = this.deps.rolesFor(tx.type);
    if (roles === undefined) return reject('UNKNOWN_TX_TYPE', 'unknown transaction type');
    const signer = this.deps.lookupSigner(tx.signer);
    if (signer === null) return reject('UNKNOWN_SIGNER', 'signer is not a registered account key');
    if (!roles.includes(signer.role)) return reject('ROLE_NOT_ALLOWED', `role ${signer.role} may not submit ${tx.type}`);
    if (tx.nonce < signer.nextNonce) return reject('NONCE_TOO_LOW', `nonce already used; next is ${signer.nextNonce}`);
    if (tx.nonce >= signer.nextNonce + this.opts.maxNonceGap) {
      return reject('NONCE_TOO_HIGH', `nonce too far ahead; next is ${signer.nextNonce}`);
    }
    if (this.byHash.size >= this.opts.maxTxs) return reject('POOL_FULL', 'transaction pool is full; retry later');
    return null;
  }

  private insert(admitted: AdmittedTx): Admission {
    const hashHex = toHex(admitted.hash);
    if (this.byHash.has(hashHex)) return reject('DUPLICATE_TX', 'transaction already pending');
    const signer = this.deps.lookupSigner(admitted.tx.signer);
    if (signer === null) return reject('UNKNOWN_SIGNER', 'signer is not a registered account key');
    let q = this.signers.get(signer.accountId);
    if (q === undefined) {
      q = { accountId: signer.accountId, byNonce: new Map() };
      this.signers.set(signer.accountId, q);
    }
    if (q.byNonce.has(admitted.tx.nonce)) return reject('DUPLICATE_TX', 'a transaction with this nonce is already pending');
    q.byNonce.set(admitted.tx.nonce, admitted);
    this.byHash.set(hashHex, admitted);
    this.owner.set(hashHex, signer.accountId);
    this.verified.add(admitted.hash, admitted.tx.signature);
    return { ok: true, hash: admitted.hash };
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
   * pending nonce below the committed next nonce (those can never be included now).
   */
  removeCommitted(hashes: readonly Uint8Array[], nextNonce: (accountId: string) => number): void {
    const touched = new Set<SignerQueue>();
    for (const h of hashes) {
      const hex = toHex(h);
      const tx = this.byHash.get(hex);
      if (tx === undefined) continue;
      this.byHash.delete(hex);
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
          this.owner.delete(hex);
        }
      }
      if (q.byNonce.size === 0) this.signers.delete(q.accountId);
    }
  }
}

function reject(code: AdmissionCode, message: string): Admission {
  return { ok: false, code, message };
}
