import { encodeGenesis } from '../codec/genesis.js';
import { sha256 } from '../crypto/hash.js';
import type { Genesis } from '../types/genesis.js';
import type { Hash, Height, PublicKey } from '../types/primitives.js';
import { toHex } from '../util/bytes.js';
import { EpochHistory, type MemberEpoch } from '../util/epoch-history.js';
import { err, ok, type Result } from '../util/result.js';
import type { FinalityJson } from './wire.js';

// Which members certify a height, from nothing but the genesis and the member-set changes
// since. The same EpochHistory the node and the auditor use (util/epoch-history.ts) picks the
// epoch of a height; this file only admits changes into it.

/**
 * A member-set change: epoch `epoch` starts at `startHeight` with `members` (public keys, hex,
 * in member-index order). `ledger audit --checkpoint` writes them, proven by re-execution;
 * `root`, when given, is the finality proof of the reconfiguration block (height
 * startHeight - 1), which the previous epoch's members must have signed.
 */
export interface MemberChangeJson {
  epoch: number;
  startHeight: number;
  members: string[];
  root?: FinalityJson;
}

/** Why a member-set change was refused (verifyFinality's codes for its root, or one of these). */
export interface MemberChangeFailure {
  readonly code: 'MEMBER_CHANGE_INVALID' | string;
  readonly message: string;
}

/** Verifies a reconfiguration block's finality under the previous members (verify.ts, injected to keep the import one-way). */
export type RootCheck = (root: FinalityJson, prev: MemberSets) => Result<{ height: Height; epoch: number }, MemberChangeFailure>;

interface Epoch extends MemberEpoch {
  readonly keys: readonly { readonly publicKey: PublicKey }[];
}

/** The member sets of a chain by height: genesis members from height 1, then each change. */
export class MemberSets {
  readonly chainId: string;
  /** sha256 of the canonical genesis encoding: the chain this trusts. */
  readonly genesisHash: Hash;
  readonly #history: EpochHistory<Epoch>;

  constructor(genesis: Genesis) {
    this.chainId = genesis.chainId;
    this.genesisHash = sha256(encodeGenesis(genesis));
    this.#history = new EpochHistory<Epoch>([epochOf(0, 1, genesis.members.map((m) => m.publicKey))]);
  }

  /** The member keys whose certificates are valid for a block at `height`. */
  membersAt(height: Height): readonly { readonly publicKey: PublicKey }[] {
    return this.#history.epochAt(height).keys;
  }

  /** The epoch number a header at `height` must name. */
  epochAt(height: Height): number {
    return this.#history.epochAt(height).epoch;
  }

  /** The latest epoch known. */
  get currentEpoch(): number {
    return this.#history.current.epoch;
  }

  /** The changes admitted so far, oldest first (what a checkpoint stores). */
  changes(): MemberChangeJson[] {
    return this.#history.all.slice(1).map((e) => ({ epoch: e.epoch, startHeight: e.startHeight, members: e.members.map(toHex) }));
  }

  /**
   * Admits the next change: the next epoch number, a later start height, 1-256 distinct 32-byte
   * keys, and, when it carries its root, that root final under the previous members, naming
   * the previous epoch, at height startHeight - 1.
   */
  add(change: MemberChangeJson, checkRoot?: RootCheck): Result<void, MemberChangeFailure> {
    const cur = this.#history.current;
    const bad = (message: string): Result<void, MemberChangeFailure> => err({ code: 'MEMBER_CHANGE_INVALID', message });
    if (change.epoch !== cur.epoch + 1) return bad(`expected epoch ${cur.epoch + 1}, got ${change.epoch}`);
    if (!Number.isSafeInteger(change.startHeight) || change.startHeight <= cur.startHeight) return bad(`epoch ${change.epoch} must start above height ${cur.startHeight}`);
    if (!Array.isArray(change.members) || change.members.length === 0 || change.members.length > 256) return bad('members must list 1-256 keys');
    if (change.members.some((k) => typeof k !== 'string' || !/^[0-9a-f]{64}$/.test(k)) || new Set(change.members).size !== change.members.length) {
      return bad('members must be distinct 32-byte keys in lower-case hex');
    }
    if (change.root !== undefined) {
      if (checkRoot === undefined) return bad('a root needs a root check');
      const r = checkRoot(change.root, this);
      if (!r.ok) return r;
      if (r.value.height !== change.startHeight - 1 || r.value.epoch !== cur.epoch) return bad(`root is not the last block (height ${change.startHeight - 1}) of epoch ${cur.epoch}`);
    }
    this.#history.push(epochOf(change.epoch, change.startHeight, change.members.map(hexKey)));
    return ok(undefined);
  }
}

function epochOf(epoch: number, startHeight: Height, members: readonly PublicKey[]): Epoch {
  return { epoch, startHeight, members, keys: members.map((publicKey) => ({ publicKey })) };
}

function hexKey(h: string): PublicKey {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}
