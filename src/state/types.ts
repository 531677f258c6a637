import type { Hash, Height, Payload, PayloadValue, Role } from '../types/primitives.js';
import type { AccountsErrorCode } from './contracts/accounts/errors.js';
import type { AssetErrorCode } from './contracts/asset/errors.js';
import type { CommonErrorCode } from './contracts/common-errors.js';
import type { InvoiceErrorCode } from './contracts/invoice/errors.js';
import type { Overlay } from './view.js';

/** An account's stable id: lower-case hex of the public key it was created with. */
export type AccountId = string;

/** Every business rejection code of every contract (stable; clients match on them). */
export type TxErrorCode = CommonErrorCode | AccountsErrorCode | InvoiceErrorCode | AssetErrorCode;

/** Structured detail of a rejection, e.g. {id: 'INV-1'}. */
export type TxErrorDetail = Readonly<Record<string, string | number>>;

/** Outcome of a handler. A failure is a value, never an exception (docs/conventions.md, Errors kind 1). */
export type TxResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: TxErrorCode; readonly detail?: TxErrorDetail };

/** Outcome of payload validation: the typed payload, or PAYLOAD_INVALID naming the field. */
export type PayloadCheck<P> =
  | { readonly ok: true; readonly value: P }
  | { readonly ok: false; readonly code: 'PAYLOAD_INVALID'; readonly detail: { readonly field: string; readonly reason: string } };

/** What a history entry is about. */
export type EventSubject = 'invoice' | 'asset' | 'account' | 'member';

/** Free-form event data: JSON without floats; amounts are decimal strings. */
export type EventData = { readonly [key: string]: PayloadValue };

/** What a handler emits; the executor adds who, where and when. */
export interface EventInput {
  readonly subject: EventSubject;
  readonly id: string;
  /** Past-tense verb: 'issued', 'financed', 'pledged', ... */
  readonly action: string;
  readonly data: EventData;
}

/** One change to one object, kept as its history and streamed as a server-sent event. */
export interface ContractEvent extends EventInput {
  /** Account id of the transaction signer. */
  readonly actor: AccountId;
  readonly height: Height;
  /** Position of the transaction in its block. */
  readonly txIndex: number;
  readonly txHash: Hash;
  /** Position of the event among all events of its block (unique per block, chronological). */
  readonly seq: number;
}

/** What a handler sees while it executes one transaction. */
export interface TxContext {
  /** Account id of the signer. */
  readonly signer: AccountId;
  /** The signer's current public key, lower-case hex. */
  readonly signerKey: string;
  readonly role: Role;
  readonly height: Height;
  /** Proposer's block timestamp (the only clock a contract may read). */
  readonly blockTimeMs: number;
  readonly txHash: Hash;
  /** txHash as lower-case hex (proposal ids). */
  readonly txHashHex: string;
  /** Reads and writes; discarded by the executor if the handler returns ok: false. */
  readonly state: Overlay;
  /** Records a history event; discarded with the writes on failure. */
  emit(event: EventInput): void;
}

/**
 * A native contract entry point (Substrate FRAME style): synchronous, deterministic, no I/O,
 * no clock but ctx.blockTimeMs, no randomness. Business failures are returned, never thrown;
 * an exception is a bug and halts block execution.
 */
export interface TxHandler<P> {
  /** The docs/transactions.md type name, e.g. 'invoice.finance'. Never changes. */
  readonly type: string;
  /** Roles that may submit it; checked by the executor (and the mempool) before validate. */
  readonly roles: readonly Role[];
  /** Decodes and validates the payload (hand-written: this is the hot path). */
  validate(payload: Payload): PayloadCheck<P>;
  execute(ctx: TxContext, payload: P): TxResult;
}

/** A handler whose payload type is erased, as stored in the registry. */
export type AnyTxHandler = TxHandler<unknown>;
