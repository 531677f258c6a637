import type { StateProofJson } from '../crypto/smt.js';
import type { BlockHeader, QuorumCert } from '../types/block.js';
import type { Payload } from '../types/primitives.js';
import { fromHex } from '../util/bytes.js';

// The JSON the REST API answers with, as the client sees it. The server's TypeBox schemas
// (src/api/schemas) are the source; these mirror them so the client never imports server code,
// and test/unit/client/wire-types.test.ts fails to compile if the two drift apart.

/** Signed VoteData (JSON). */
export interface VoteDataJson {
  epoch: number;
  view: number;
  height: number;
  blockHash: string;
  parentView: number;
  parentHash: string;
}

/** A quorum certificate (JSON). */
export interface QuorumCertJson {
  data: VoteDataJson;
  signatures: { member: number; signature: string }[];
}

/** A block header (JSON). */
export interface HeaderJson {
  chainId: string;
  epoch: number;
  height: number;
  view: number;
  parentHash: string;
  txRoot: string;
  stateRoot: string;
  receiptsRoot: string;
  proposer: number;
  timestampMs: number;
  parentQc: QuorumCertJson | null;
}

/** A signed transaction as POSTed to /v1/transactions. */
export interface TxBodyJson {
  chainId: string;
  type: string;
  signer: string;
  nonce: number;
  payload: { [key: string]: unknown };
  signature: string;
}

/** A transaction in an answer: the envelope plus its hash. */
export interface TxJson extends TxBodyJson {
  hash: string;
}

/** The outcome of a committed transaction. */
export interface ReceiptJson {
  hash: string;
  ok: boolean;
  code: string | null;
  detail: { [key: string]: string | number } | null;
}

/** A committed block (GET /v1/blocks/...). */
export interface BlockJson {
  hash: string;
  header: HeaderJson;
  txs: TxJson[];
  receipts: ReceiptJson[];
  commitQc: QuorumCertJson;
  certifiedHeight: number;
  /** Last block of an epoch only: the headers linking it to the certified block (never in the chain). */
  suffix?: HeaderJson[];
}

/** The certificate that finalised `header`, and the headers linking it to the certified block. */
export interface FinalityJson {
  header: HeaderJson;
  blockHash: string;
  commitQc: QuorumCertJson;
  certifiedHeight: number;
  links: HeaderJson[];
}

/** Transaction statuses. */
export type TxStatus = 'pending' | 'committed' | 'rejected' | 'unknown';

/** GET /v1/transactions/:hash (a 404 becomes `{hash, status: 'unknown'}` in the client). */
export interface TxAnswer extends Partial<FinalityJson> {
  hash: string;
  status: TxStatus;
  tx?: TxJson;
  height?: number;
  index?: number;
  receipt?: ReceiptJson;
  proof?: { index: number; size: number; siblings: string[] };
}

/** GET /v1/proofs/state. */
export interface StateAnswer extends FinalityJson {
  key: string;
  value: string | null;
  proof: StateProofJson;
  stateRoot: string;
  height: number;
}

/** GET /v1/status. */
export interface StatusJson {
  chainId: string;
  node: string;
  height: number;
  headHash: string;
  view: number;
  epoch: number;
  members: number;
  peersConnected: number;
  /** Started and caught up: it accepts transactions. */
  ready: boolean;
  /** Catching up from peers: writes answer 503 NODE_SYNCING, reads what it holds so far. */
  syncing: boolean;
  /** While syncing, the highest head peers reported; otherwise `height`. */
  targetHeight: number;
  /** Share of the catch-up done, 0 to 1 (1 when not syncing). */
  syncProgress: number;
  /** The node's key is in the member set in force and it votes. */
  validator: boolean;
  /** Version of the node software (package.json). */
  version: string;
  /** Git commit of the node's build, or 'unknown'. */
  commit: string;
}

/** GET /v1/members. */
export interface MembersJson {
  epoch: number;
  members: { index: number; name: string; publicKey: string; address: string }[];
}

/** GET /v1/accounts/:publicKey. */
export interface AccountJson {
  publicKey: string;
  name: string;
  role: 'member' | 'integrator' | 'auditor' | 'regulator';
  nextNonce: number;
}

/** Invoice statuses. */
export type InvoiceStatus = 'issued' | 'accepted' | 'split' | 'financed' | 'paid' | 'cancelled';

/** GET /v1/invoices/:id. Amounts are decimal strings. */
export interface InvoiceJson {
  id: string;
  seller: string;
  buyer: string;
  holder: string;
  amount: string;
  paid: string;
  currency: string;
  dueDate: string;
  fingerprint: string;
  status: InvoiceStatus;
  frozen: boolean;
  financier: string | null;
  advance: string | null;
  parent: string | null;
  children: string[];
  issuedHeight: number;
  updatedHeight: number;
}

/** GET /v1/assets/:id. */
export interface AssetJson {
  id: string;
  kind: string;
  fingerprint: string;
  metadata: { [key: string]: unknown };
  owner: string;
  pledgee: string | null;
  frozen: boolean;
  freezeReason: string | null;
  registeredHeight: number;
  updatedHeight: number;
}

/** One change in an invoice's or asset's history. */
export interface HistoryEntryJson {
  height: number;
  txHash: string;
  type: string;
  signer: string;
  timestampMs: number;
  detail: { [key: string]: unknown };
}

/** A page of GET /v1/invoices/:id/history or /v1/assets/:id/history, oldest first. */
export interface HistoryJson {
  id: string;
  items: HistoryEntryJson[];
  nextCursor: string | null;
}

/**
 * A page of a list (blocks, invoices, assets; histories add their `id`). `nextCursor` is null
 * on the last page; otherwise pass it unchanged as `cursor`, with the same filters.
 */
export interface PageJson<T> {
  items: T[];
  nextCursor: string | null;
}

/** GET /v1/blocks?from=&limit=&cursor=. */
export type BlocksPageJson = PageJson<BlockJson>;

/** `limit` and `cursor` of every list call (limit 1..100, default 50). */
export type PageQuery = {
  limit?: number;
  cursor?: string;
};

/** `event: block` data of GET /v1/events. */
export interface BlockEventJson {
  height: number;
  hash: string;
  view: number;
  timestampMs: number;
  txs: { hash: string; type: string; signer: string; status: 'committed' | 'rejected'; code: string | null }[];
}

/** The error envelope of every non-2xx answer. */
export interface ErrorEnvelopeJson {
  error: { code: string; message: string };
}

/** Parses hex into bytes of exactly `len` (any length when null); throws TypeError. */
export function hexBytes(hex: string, field: string, len: number | null = 32): Uint8Array {
  const b = typeof hex === 'string' ? fromHex(hex) : null;
  if (b === null || (len !== null && b.length !== len)) throw new TypeError(`${field}: expected ${len ?? 'any number of'} bytes as hex`);
  return b;
}

/** A QC from its JSON form (throws TypeError on malformed hex). */
export function qcFromJson(j: QuorumCertJson): QuorumCert {
  const d = j.data;
  return {
    data: {
      epoch: d.epoch,
      view: d.view,
      height: d.height,
      blockHash: hexBytes(d.blockHash, 'qc.blockHash'),
      parentView: d.parentView,
      parentHash: hexBytes(d.parentHash, 'qc.parentHash'),
    },
    signatures: j.signatures.map((s) => ({ member: s.member, signature: hexBytes(s.signature, 'qc.signature', 64) })),
  };
}

/** A header from its JSON form (throws TypeError on malformed hex). */
export function headerFromJson(j: HeaderJson): BlockHeader {
  return {
    chainId: j.chainId,
    epoch: j.epoch,
    height: j.height,
    view: j.view,
    parentHash: hexBytes(j.parentHash, 'header.parentHash'),
    txRoot: hexBytes(j.txRoot, 'header.txRoot'),
    stateRoot: hexBytes(j.stateRoot, 'header.stateRoot'),
    receiptsRoot: hexBytes(j.receiptsRoot, 'header.receiptsRoot'),
    proposer: j.proposer,
    timestampMs: j.timestampMs,
    parentQc: j.parentQc === null ? null : qcFromJson(j.parentQc),
  };
}

/** The payload of a JSON transaction, typed as the codec's Payload (validated by canonicalPayload). */
export function payloadOf(tx: TxBodyJson): Payload {
  return tx.payload as Payload;
}
