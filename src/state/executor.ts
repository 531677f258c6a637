import { encodeReceipt } from '../codec/tx.js';
import { merkleRoot } from '../crypto/merkle.js';
import type { StateTree } from '../crypto/smt.js';
import type { Member } from '../types/genesis.js';
import type { Hash, Height, Signature } from '../types/primitives.js';
import type { TxReceipt } from '../types/tx.js';
import { bytesEqual, toHex } from '../util/bytes.js';
import { decodeBlockTx } from './block-tx.js';
import { accountKey, MEMBERS_KEY } from './contracts/accounts/keys.js';
import { decodeAccount, decodeMembers, encodeAccount, loadAccountByKey, type Account } from './contracts/accounts/types.js';
import { handlerFor } from './contracts/registry.js';
import { deriveIndexWrites, type IndexWrite } from './secondary-indexes.js';
import type { ContractEvent, EventInput, TxContext, TxErrorCode, TxErrorDetail } from './types.js';
import { BlockOverlay, readRecord } from './view.js';

/** What executeBlock needs. */
export interface ExecuteBlockInput {
  /** State after the parent block. Left unchanged. */
  readonly state: StateTree;
  readonly height: Height;
  /** The block header's timestamp. */
  readonly blockTimeMs: number;
  readonly chainId: string;
  /** encodeTxEnvelope bytes, in block order. */
  readonly txs: readonly Uint8Array[];
  /**
   * True when this node already verified this transaction's signature (the mempool cache), so
   * it is not verified again. The cache is trusted: it must answer true only for the exact
   * (hash, signature) pair it verified, or a leader could pair a known body with a forged
   * signature and the block would pass here yet fail `ledger audit`.
   */
  readonly isVerified?: (hash: Hash, signature: Signature) => boolean;
}

/** Why a block is invalid: it must not be voted for or committed. */
export type BlockInvalidCode =
  /** A transaction's bytes are not a canonical envelope. */
  | 'TX_UNDECODABLE'
  /** A transaction is for another chain. */
  | 'TX_WRONG_CHAIN'
  /** A signature does not verify. */
  | 'TX_BAD_SIGNATURE'
  /** The same transaction appears twice. */
  | 'TX_DUPLICATE'
  /** The signer key is not an account's current key (unknown, or rotated away). */
  | 'TX_UNKNOWN_SIGNER'
  /** The nonce is not the signer's next nonce (a replay or a gap). */
  | 'TX_BAD_NONCE';

/** The first offending transaction of an invalid block. */
export interface BlockInvalidReason {
  readonly code: BlockInvalidCode;
  readonly txIndex: number;
  readonly message: string;
}

/** A block that executed: everything the node persists and announces. */
export interface ExecutedBlock {
  readonly valid: true;
  /** The new state version (the input version is unchanged). */
  readonly state: StateTree;
  readonly stateRoot: Hash;
  /** merkleRoot of txHashes. */
  readonly txRoot: Hash;
  /** merkleRoot of encodeReceipt(receipt) in block order. */
  readonly receiptsRoot: Hash;
  readonly receipts: readonly TxReceipt[];
  readonly txHashes: readonly Hash[];
  /** The block's net state writes as StateTree ops (key = UTF-8 state key; null deletes). */
  readonly stateWrites: readonly [Uint8Array, Uint8Array | null][];
  /** Secondary index writes, not in the state root (invoices by holder/status, assets by owner). */
  readonly indexWrites: readonly IndexWrite[];
  /** History and server-sent events of the successful transactions, in order. */
  readonly events: readonly ContractEvent[];
  /** The member list after this block when it changed; consensus applies it at its next epoch. */
  readonly membersChanged: readonly Member[] | null;
}

/** Result of executeBlock. */
export type ExecuteBlockResult = ExecutedBlock | { readonly valid: false; readonly reason: BlockInvalidReason };

/**
 * Applies a block's transactions to a state version, purely and synchronously (same input,
 * same output on every node). Per transaction: decode, chain id, hash, duplicate, signature
 * (skipped when isVerified says so), signer and nonce — any failure makes the BLOCK invalid;
 * then the nonce advances and the handler runs in a transaction of the block overlay that is
 * kept only if it succeeds. Business failures are receipts (ok: false, code) and change
 * nothing but the nonce. The block's writes are applied with one StateTree.update.
 */
export function executeBlock(input: ExecuteBlockInput): ExecuteBlockResult {
  const { chainId, height, blockTimeMs, isVerified } = input;
  const block = new BlockOverlay(input.state);
  const receipts: TxReceipt[] = [];
  const txHashes: Hash[] = [];
  const events: ContractEvent[] = [];
  const emitted: EventInput[] = [];
  // PERF: binary-string hashes (32 chars) hash and compare faster than hex in the Set.
  const seen = new Set<string>();
  for (let txIndex = 0; txIndex < input.txs.length; txIndex++) {
    const decodedTx = decodeBlockTx(input.txs[txIndex] as Uint8Array, chainId, isVerified);
    if (!decodedTx.ok) return invalid(decodedTx.code, txIndex, decodedTx.message);
    const { tx, hash, hashBin } = decodedTx;
    if (seen.has(hashBin)) return invalid('TX_DUPLICATE', txIndex, 'transaction appears twice in the block');
    seen.add(hashBin);
    const signerKey = toHex(tx.signer);
    const account = loadSigner(block, signerKey);
    if (account === undefined) return invalid('TX_UNKNOWN_SIGNER', txIndex, 'signer is not the current key of an account');
    if (tx.nonce !== account.nextNonce) return invalid('TX_BAD_NONCE', txIndex, `nonce ${tx.nonce}, expected ${account.nextNonce}`);
    // The nonce advances even when the handler fails, so no transaction can ever be replayed.
    // PERF: putRecord encodes lazily, so a signer with several transactions in the block is
    // encoded once, with its last nonce.
    const bumped: Account = { id: account.id, publicKey: account.publicKey, name: account.name, role: account.role, nextNonce: account.nextNonce + 1 };
    block.putRecord(accountKey(account.id), bumped, encodeAccount, decodeAccount);
    txHashes.push(hash);

    const handler = handlerFor(tx.type);
    let code: TxErrorCode | null = null;
    let detail: TxErrorDetail | null = null;
    if (handler === undefined) {
      code = 'UNKNOWN_TX_TYPE';
      detail = { type: tx.type };
    } else if (!handler.roles.includes(account.role)) {
      code = 'ROLE_NOT_ALLOWED';
      detail = { role: account.role, type: tx.type };
    } else {
      const payload = handler.validate(tx.payload);
      if (!payload.ok) {
        code = payload.code;
        detail = payload.detail;
      } else {
        block.begin();
        const result = handler.execute(new ExecContext(account, signerKey, height, blockTimeMs, hash, block, emitted), payload.value);
        if (result.ok) {
          block.commitTx();
          // PERF: explicit fields; a spread of the handlers' differently shaped literals is a
          // megamorphic clone that cost more than the rest of this loop together.
          for (const e of emitted) {
            events.push({ subject: e.subject, id: e.id, action: e.action, data: e.data, actor: account.id, height, txIndex, txHash: hash, seq: events.length });
          }
        } else {
          block.rollbackTx();
          code = result.code;
          detail = result.detail ?? null;
        }
        emitted.length = 0;
      }
    }
    receipts.push({ hash, ok: code === null, code, detail });
  }

  const prepared = block.preparedWrites();
  const stateWrites: [Uint8Array, Uint8Array | null][] = prepared.keys.map((k, i) => [k, prepared.values[i] as Uint8Array | null]);
  const state = stateWrites.length === 0 ? input.state : input.state.updatePrepared(prepared.writes);
  return {
    valid: true,
    state,
    stateRoot: state.root,
    txRoot: merkleRoot(txHashes),
    receiptsRoot: merkleRoot(receipts.map(encodeReceipt)),
    receipts,
    txHashes,
    stateWrites,
    indexWrites: deriveIndexWrites(block),
    events,
    membersChanged: membersChanged(block),
  };
}

/**
 * The TxContext of one transaction. PERF: a class with one shape (the handlers' property reads
 * stay monomorphic) and no closure per transaction; the hex hash only for those that ask.
 */
class ExecContext implements TxContext {
  readonly signer: string;
  readonly role: Account['role'];
  #hashHex: string | null = null;

  constructor(
    account: Account,
    readonly signerKey: string,
    readonly height: Height,
    readonly blockTimeMs: number,
    readonly txHash: Hash,
    readonly state: BlockOverlay,
    private readonly out: EventInput[],
  ) {
    this.signer = account.id;
    this.role = account.role;
  }

  get txHashHex(): string {
    return (this.#hashHex ??= toHex(this.txHash));
  }

  emit(e: EventInput): void {
    this.out.push(e);
  }
}

/**
 * The account whose current key is `keyHex`. PERF: most accounts never rotate, so their id is
 * their current key: one read of 'acct/<key>' settles it. That shortcut is sound because every
 * id has a 'key/<id>' entry (keys are never reused), so 'acct/<k>' with publicKey k is exactly
 * the account 'key/<k>' points to, actively. Otherwise the key entry decides.
 */
function loadSigner(block: BlockOverlay, keyHex: string): Account | undefined {
  const byId = readRecord(block, accountKey(keyHex), decodeAccount);
  if (byId !== undefined && byId.publicKey === keyHex) return byId;
  return loadAccountByKey(block, keyHex);
}

function invalid(code: BlockInvalidCode, txIndex: number, message: string): ExecuteBlockResult {
  return { valid: false, reason: { code, txIndex, message } };
}

function membersChanged(block: BlockOverlay): Member[] | null {
  const after = block.get(MEMBERS_KEY);
  const before = block.baseGet(MEMBERS_KEY);
  if (after === undefined || before === undefined || bytesEqual(after, before)) return null;
  return decodeMembers(after);
}
