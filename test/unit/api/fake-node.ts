import { Gauge, Registry } from 'prom-client';
import type { ApiDeps, MemberSet, NodeStatus, PageOf, StateProofAt, SubmitResult } from '../../../src/api/deps.js';
import type { AccountJson } from '../../../src/api/schemas/accounts.js';
import type { AssetJson } from '../../../src/api/schemas/assets.js';
import type { HistoryEntryJson } from '../../../src/api/schemas/common.js';
import type { InvoiceJson } from '../../../src/api/schemas/invoices.js';
import { admitSignedTx } from '../../../src/crypto/tx.js';
import type { Genesis } from '../../../src/types/genesis.js';
import type { TxEnvelope } from '../../../src/types/tx.js';
import { toHex } from '../../../src/util/bytes.js';
import { FakeChain, type TxOutcome } from './fake-chain.js';

/** An invoice with every field filled in, overridable. */
export function sampleInvoice(id: string, over: Partial<InvoiceJson> = {}): InvoiceJson {
  return {
    id, seller: 'supplier', buyer: 'buyer', holder: 'supplier', amount: '1000000', paid: '0', currency: 'CNY',
    dueDate: '2027-01-31', fingerprint: `fp-${id}`, status: 'accepted', frozen: false, financier: null, advance: null,
    parent: null, children: [], issuedHeight: 1, updatedHeight: 1, ...over,
  };
}

/** An asset with every field filled in, overridable. */
export function sampleAsset(id: string, over: Partial<AssetJson> = {}): AssetJson {
  return {
    id, kind: 'warehouse-receipt', fingerprint: `doc-${id}`, metadata: { site: 'Shanghai', tons: 12 }, owner: 'supplier',
    pledgee: null, frozen: false, freezeReason: null, registeredHeight: 1, updatedHeight: 1, ...over,
  };
}

/**
 * An in-memory node behind ApiDeps: a FakeChain, a pool with real admission work (signature,
 * chain id, nonce window, capacity) and small invoice/asset/account tables. `commitPending`
 * turns the pool into a block and notifies subscribers, as the node does after its batch.
 */
export class FakeNode implements ApiDeps {
  readonly chain = new FakeChain();
  readonly pending = new Map<string, TxEnvelope>();
  readonly accounts = new Map<string, AccountJson>();
  readonly invoices = new Map<string, InvoiceJson>();
  readonly assets = new Map<string, AssetJson>();
  readonly histories = new Map<string, HistoryEntryJson[]>();
  readonly metricsRegistry = new Registry();
  maxPool = 10_000;
  ready = true;
  /** When set, the next submitTx throws it (to prove a 5xx hides internals). */
  failNext: Error | null = null;
  private readonly listeners = new Set<(h: number) => void>();
  private readonly committedNonce = new Map<string, number>();

  constructor() {
    new Gauge({ name: 'ledger_chain_height', help: 'Height of the latest committed block', registers: [this.metricsRegistry] }).set(0);
  }

  /** Registers an integrator account for a key. */
  addAccount(publicKey: Uint8Array, name: string, role: AccountJson['role'] = 'integrator'): void {
    this.accounts.set(toHex(publicKey), { publicKey: toHex(publicKey), name, role, nextNonce: 0 });
  }

  reader(publicKeyHex: string): { id: string; publicKey: string; role: AccountJson['role'] } | null {
    const a = this.accounts.get(publicKeyHex);
    return a === undefined ? null : { id: a.publicKey, publicKey: a.publicKey, role: a.role };
  }

  status(): NodeStatus {
    return {
      chainId: this.chain.chainId, node: 'member0', height: this.chain.height,
      headHash: this.chain.head?.committed.hash ?? new Uint8Array(32), view: this.chain.height, epoch: 0,
      members: this.chain.members.length, peersConnected: 3, ready: this.ready, syncing: false, targetHeight: this.chain.height, syncProgress: 1, validator: true,
      version: '9.8.7', commit: 'f00dfeed',
    };
  }

  genesis(): Genesis {
    return {
      chainId: this.chain.chainId, genesisTimeMs: 0,
      consensus: { viewTimeoutMs: 2000, maxViewTimeoutMs: 4000, maxBlockTxs: 5000, maxBlockBytes: 2 << 20, heartbeatMinutes: 5 },
      members: this.chain.members, accounts: [],
    };
  }

  submitTx(tx: TxEnvelope): SubmitResult {
    if (this.failNext !== null) {
      const e = this.failNext;
      this.failNext = null;
      throw e;
    }
    if (!this.ready) return { ok: false, code: 'NODE_NOT_READY', message: 'node is starting' };
    if (tx.chainId !== this.chain.chainId) return { ok: false, code: 'WRONG_CHAIN_ID', message: 'chain id is not this chain' };
    const acct = this.accounts.get(toHex(tx.signer));
    if (acct === undefined) return { ok: false, code: 'UNKNOWN_SIGNER', message: 'signer has no account' };
    const admitted = admitSignedTx(tx);
    if (admitted === null) return { ok: false, code: 'BAD_SIGNATURE', message: 'signature does not verify' };
    const committed = this.committedNonce.get(acct.publicKey) ?? 0;
    if (tx.nonce < committed) return { ok: false, code: 'NONCE_TOO_LOW', message: 'nonce already used' };
    if (tx.nonce > acct.nextNonce) return { ok: false, code: 'NONCE_TOO_HIGH', message: 'nonce too far ahead' };
    const hex = toHex(admitted.hash);
    if (this.pending.has(hex) || tx.nonce < acct.nextNonce) return { ok: false, code: 'DUPLICATE_TX', message: 'already pending' };
    if (this.pending.size >= this.maxPool) return { ok: false, code: 'POOL_FULL', message: 'pool is full' };
    this.pending.set(hex, tx);
    acct.nextNonce = tx.nonce + 1;
    return { ok: true, hash: admitted.hash };
  }

  /** Commits the pool as one block (or as `groups` blocks, see FakeChain.commit). */
  commitPending(outcomes: ReadonlyMap<string, TxOutcome> = new Map(), groups = 1): void {
    const txs = [...this.pending.values()];
    this.pending.clear();
    const per = Math.ceil(txs.length / groups) || 1;
    const split = Array.from({ length: groups }, (_, i) => txs.slice(i * per, (i + 1) * per));
    const made = this.chain.commit(split, outcomes);
    for (const tx of txs) this.committedNonce.set(toHex(tx.signer), Math.max(this.committedNonce.get(toHex(tx.signer)) ?? 0, tx.nonce + 1));
    for (const rec of made) for (const l of this.listeners) l(rec.committed.block.header.height);
  }

  pendingTx(hash: Uint8Array): TxEnvelope | null {
    return this.pending.get(toHex(hash)) ?? null;
  }

  async findTx(hash: Uint8Array): Promise<{ height: number; index: number } | null> {
    return this.chain.txIndex.get(toHex(hash)) ?? null;
  }

  async getBlock(height: number) {
    return this.chain.block(height);
  }

  async getInvoice(id: string): Promise<InvoiceJson | null> {
    return this.invoices.get(id) ?? null;
  }

  async listInvoices(f: { holder?: string; status?: InvoiceJson['status']; limit: number; after?: Uint8Array }): Promise<PageOf<InvoiceJson> | null> {
    const all = [...this.invoices.values()]
      .filter((i) => (f.holder === undefined || i.holder === f.holder) && (f.status === undefined || i.status === f.status))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    return page(all, f.limit, f.after);
  }

  async invoiceHistory(id: string): Promise<HistoryEntryJson[] | null> {
    return this.invoices.has(id) ? (this.histories.get(`invoice/${id}`) ?? []) : null;
  }

  async getAsset(id: string): Promise<AssetJson | null> {
    return this.assets.get(id) ?? null;
  }

  async listAssets(f: { owner?: string; limit: number; after?: Uint8Array }): Promise<PageOf<AssetJson> | null> {
    const all = [...this.assets.values()].filter((a) => f.owner === undefined || a.owner === f.owner).sort((a, b) => (a.id < b.id ? -1 : 1));
    return page(all, f.limit, f.after);
  }

  async assetHistory(id: string): Promise<HistoryEntryJson[] | null> {
    return this.assets.has(id) ? (this.histories.get(`asset/${id}`) ?? []) : null;
  }

  async getAccount(idOrKey: string): Promise<AccountJson | null> {
    return this.accounts.get(idOrKey) ?? [...this.accounts.values()].find((a) => a.name === idOrKey) ?? null;
  }

  members(): MemberSet {
    return { epoch: 0, members: this.chain.members };
  }

  async stateProof(key: Uint8Array): Promise<StateProofAt> {
    return { height: this.chain.height, proof: this.chain.state.prove(key) };
  }

  onBlockCommitted(listener: (height: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Live commit listeners (the SSE feed registers one while it has subscribers). */
  get listenerCount(): number {
    return this.listeners.size;
  }
}

// Positions are the utf8 of the last id served; one that is not an id of the list is refused.
function page<T extends { id: string }>(all: readonly T[], limit: number, after: Uint8Array | undefined): PageOf<T> | null {
  const cursor = after === undefined ? undefined : Buffer.from(after).toString('utf8');
  if (cursor !== undefined && !all.some((x) => x.id === cursor)) return null;
  const start = cursor === undefined ? 0 : all.findIndex((x) => x.id > cursor);
  const items = start < 0 ? [] : all.slice(start, start + limit);
  const last = items[items.length - 1];
  return { items, next: last !== undefined && start + limit < all.length ? new TextEncoder().encode(last.id) : null };
}
