import type { Registry } from 'prom-client';
import type { ApiDeps, BlockRecord, NodeStatus, PageOf, ReaderAccount, SubmitResult } from '../api/deps.js';
import type { AccountJson } from '../api/schemas/accounts.js';
import type { AssetJson } from '../api/schemas/assets.js';
import type { HistoryEntryJson } from '../api/schemas/common.js';
import type { InvoiceJson } from '../api/schemas/invoices.js';
import { prepareTx } from '../crypto/tx.js';
import { decodeContractEvent, historySubject } from '../state/events.js';
import { getAccount, getAsset, getInvoice, getMembers, getSignerAccount, type AssetView, type InvoiceView } from '../state/queries.js';
import type { Mempool } from '../state/mempool/mempool.js';
import type { BlockStore } from '../storage/block-store.js';
import { decodeKeyParts, historyRange, indexRange } from '../storage/prefixes.js';
import type { Member } from '../types/genesis.js';
import type { Hash, Height } from '../types/primitives.js';
import type { TxEnvelope } from '../types/tx.js';
import { concatBytes, fromHex } from '../util/bytes.js';
import { buildInfo } from './build-info.js';
import type { LedgerChain } from './chain.js';
import type { Metrics } from './metrics.js';

/** What the node exposes to the API besides chain, store and pool. */
export interface NodeApiDepsOpts {
  readonly nodeName: string;
}

/** Dependencies. */
export interface NodeApiDepsDeps {
  readonly chain: LedgerChain;
  readonly store: BlockStore;
  readonly mempool: Mempool;
  readonly metrics: Metrics;
  readonly registry: Registry;
  /** Consensus view and health; `started` is false until consensus runs (the API listens first). */
  readonly consensus: () => { view: number; halted: boolean; voting: boolean; started: boolean };
  readonly peersConnected: () => number;
  /** The catch-up under way (BlockSync.progress), or null. */
  readonly syncProgress: () => { startHeight: Height; targetHeight: Height } | null;
  /** Hands an admitted transaction's bytes to gossip, and wakes an idle leader. */
  readonly onAdmitted: (txBytes: Uint8Array) => void;
}

function invoiceJson(v: InvoiceView): InvoiceJson {
  return {
    id: v.id, seller: v.seller, buyer: v.buyer, holder: v.holder, amount: v.amount, paid: v.paid, currency: v.currency,
    dueDate: v.dueDate, fingerprint: v.fingerprint, status: v.status, frozen: v.frozen, financier: v.financier,
    advance: v.advance, parent: v.parent, children: [...v.parts], issuedHeight: v.createdHeight, updatedHeight: v.updatedHeight,
  };
}

function assetJson(v: AssetView): AssetJson {
  return {
    id: v.id, kind: v.kind, fingerprint: v.fingerprint, metadata: { ...v.metadata }, owner: v.owner, pledgee: v.pledgee,
    frozen: v.frozen, freezeReason: v.frozenReason, registeredHeight: v.createdHeight, updatedHeight: v.updatedHeight,
  };
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** ApiDeps over the running node: committed state for reads, the pool for writes. */
export function buildNodeApiDeps(opts: NodeApiDepsOpts, deps: NodeApiDepsDeps): ApiDeps {
  const { chain, store, mempool, metrics } = deps;
  const timestamps = new Map<Height, number>();
  // Readers resolved against the committed head, dropped when the head moves: a rotation or
  // role change is seen by the first request after the block that commits it.
  let readersAt = -1;
  const readers = new Map<string, ReaderAccount | null>();

  async function blockTime(height: Height): Promise<number> {
    let t = timestamps.get(height);
    if (t === undefined) {
      t = (await store.getBlock(height))?.block.header.timestampMs ?? 0;
      if (timestamps.size > 10_000) timestamps.clear();
      timestamps.set(height, t);
    }
    return t;
  }

  async function history(subject: 'invoice' | 'asset', id: string): Promise<HistoryEntryJson[]> {
    const out: HistoryEntryJson[] = [];
    for await (const [, v] of store.scan(historyRange(historySubject(subject, id)))) {
      const e = decodeContractEvent(v);
      out.push({
        height: e.height, txHash: Buffer.from(e.txHash).toString('hex'), type: `${e.subject}.${e.action}`, signer: e.actor,
        timestampMs: await blockTime(e.height), detail: { ...e.data },
      });
    }
    return out;
  }

  // Lists walk a secondary index in key order; a page's position is the index key of its last
  // item, so the next page starts just after it whatever order the index sorts by (status,
  // then id, when unfiltered). A position outside the range (another filter's) is refused.
  async function page<T>(range: ReturnType<typeof indexRange>, limit: number, after: Uint8Array | undefined, load: (id: string) => T | null, keep: (t: T) => boolean): Promise<PageOf<T> | null> {
    const items: T[] = [];
    const prefix = range.gte as Uint8Array;
    if (after !== undefined && (after.length <= prefix.length || !startsWith(after, prefix))) return null;
    const from = after === undefined ? range : { ...range, gte: concatBytes(after, Uint8Array.of(0)) };
    let last: Uint8Array | null = null;
    for await (const [k] of store.scan(from)) {
      const parts = decodeKeyParts(k, prefix.length);
      const id = parts[parts.length - 1];
      if (id === undefined) continue;
      const t = load(id);
      if (t === null || !keep(t)) continue;
      if (items.length === limit) return { items, next: last };
      items.push(t);
      last = k;
    }
    return { items, next: null };
  }

  return {
    status(): NodeStatus {
      const head = chain.committedHead();
      const c = deps.consensus();
      const p = deps.syncProgress();
      const target = p === null ? head.height : Math.max(p.targetHeight, head.height);
      const progress = p === null || target <= p.startHeight ? 1 : Math.min(1, (head.height - p.startHeight) / (target - p.startHeight));
      return {
        chainId: chain.chainId, node: opts.nodeName, height: head.height, headHash: head.hash, view: c.view,
        epoch: chain.currentEpoch().epoch, members: chain.currentEpoch().members.length, peersConnected: deps.peersConnected(),
        ready: c.started && !c.halted && p === null, syncing: p !== null, targetHeight: target, syncProgress: progress, validator: c.voting,
        version: buildInfo().version, commit: buildInfo().commit,
      };
    },
    async submitTx(tx: TxEnvelope): Promise<SubmitResult> {
      // A node behind the chain would judge nonces and signers against old state.
      const sync = deps.syncProgress();
      if (sync !== null) return { ok: false, code: 'NODE_SYNCING', message: `catching up from peers (height ${chain.committedHead().height} of ${sync.targetHeight}); retry once /v1/status says ready, or submit to another member` };
      const c = deps.consensus();
      if (!c.started || c.halted) return { ok: false, code: 'NODE_NOT_READY', message: c.halted ? 'consensus halted on this node; see its log' : 'node is starting' };
      // One canonical encode gives the bytes, hash and signed message (crypto/tx.ts); the
      // signature is verified on a worker thread when the pool has a verifier.
      const p = prepareTx(tx);
      const r = await mempool.addAsync(p);
      if (!r.ok) {
        metrics.txRejected.inc({ code: r.code });
        return r;
      }
      deps.onAdmitted(p.bytes);
      metrics.mempoolTxs.set(mempool.size);
      metrics.mempoolBytes.set(mempool.bytes);
      return { ok: true, hash: r.hash };
    },
    reader(publicKeyHex) {
      const h = chain.committedHead().height;
      if (h !== readersAt || readers.size >= 10_000) {
        readers.clear();
        readersAt = h;
      }
      let r = readers.get(publicKeyHex);
      if (r === undefined) {
        const a = getSignerAccount(chain.state, publicKeyHex);
        r = a === null ? null : { id: a.id, publicKey: a.publicKey, role: a.role };
        readers.set(publicKeyHex, r);
      }
      return r;
    },
    genesis: () => chain.genesis,
    pendingTx: (hash: Hash) => mempool.get(hash)?.tx ?? null,
    findTx: (hash: Hash) => store.getTxLocation(hash),
    async getBlock(height: Height): Promise<BlockRecord | null> {
      const [committed, receipts] = await Promise.all([store.getBlock(height), store.getReceipts(height)]);
      return committed === null || receipts === null ? null : { committed, receipts };
    },
    async getInvoice(id) {
      const v = getInvoice(chain.state, id);
      return v === null ? null : invoiceJson(v);
    },
    listInvoices(f) {
      const range = f.holder !== undefined ? indexRange('invoice-holder', f.holder) : indexRange('invoice-status', ...(f.status !== undefined ? [f.status] : []));
      return page(range, f.limit, f.after, (id) => {
        const v = getInvoice(chain.state, id);
        return v === null ? null : invoiceJson(v);
      }, (i) => f.status === undefined || i.status === f.status);
    },
    async invoiceHistory(id) {
      return getInvoice(chain.state, id) === null ? null : history('invoice', id);
    },
    async getAsset(id) {
      const v = getAsset(chain.state, id);
      return v === null ? null : assetJson(v);
    },
    listAssets(f) {
      const range = indexRange('asset-owner', ...(f.owner !== undefined ? [f.owner] : []));
      return page(range, f.limit, f.after, (id) => {
        const v = getAsset(chain.state, id);
        return v === null ? null : assetJson(v);
      }, () => true);
    },
    async assetHistory(id) {
      return getAsset(chain.state, id) === null ? null : history('asset', id);
    },
    async getAccount(idOrKey): Promise<AccountJson | null> {
      const a = getAccount(chain.state, idOrKey);
      if (a === null) return null;
      return { publicKey: a.publicKey, name: a.name, role: a.role, nextNonce: mempool.pendingNextNonce(a.id, a.nextNonce) };
    },
    members() {
      return { epoch: chain.currentEpoch().epoch, members: chain.currentMembers() };
    },
    async stateProof(key) {
      return { height: chain.committedHead().height, proof: chain.state.prove(key) };
    },
    onBlockCommitted(listener) {
      return chain.onCommitted((n) => listener(n.committed.block.header.height));
    },
    metricsRegistry: deps.registry,
  };
}
