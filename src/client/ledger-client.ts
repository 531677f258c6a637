import type { SigningKey } from '../crypto/ed25519.js';
import { createReadToken, READ_TOKEN_LIMITS } from '../crypto/read-token.js';
import type { TxEnvelope } from '../types/tx.js';
import { toHex } from '../util/bytes.js';
import { txToJson } from './build-tx.js';
import { isServerErrorCode, LedgerClientError } from './errors.js';
import { parseSse } from './sse.js';
import type {
  AccountJson, AssetJson, BlockEventJson, BlockJson, BlocksPageJson, ErrorEnvelopeJson, HistoryJson, InvoiceJson,
  InvoiceStatus, MembersJson, PageJson, PageQuery, StateAnswer, StatusJson, TxAnswer,
} from './wire.js';

/** Construction options of LedgerClient. */
export interface LedgerClientOptions {
  /** Base URL of a node's REST API, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  /** A fetch implementation (tests, proxies); defaults to the global one. */
  readonly fetch?: typeof fetch;
  /** Per-request timeout; event streams have none. */
  readonly timeoutMs?: number;
  /**
   * The key of a registered account: every request carries a short-lived read token it signs
   * (Authorization: Bearer; reads without one answer 401). Submissions need none.
   */
  readonly key?: SigningKey;
  /** The chain id tokens name; default: read once from GET /v1/status. */
  readonly chainId?: string;
  /** Token lifetime in seconds (at most 300); a new one is minted 30 s before expiry. */
  readonly tokenLifetimeS?: number;
}

/** What submit resolves to: `{hash}` (HTTP 202), or the settled transaction's answer (HTTP 200). */
export type SubmitAnswer = { readonly hash: string } | TxAnswer;

/** Options of waitForTx. */
export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** Options of blockEvents. */
export interface BlockEventsOptions {
  /** First height to receive; default: the next block committed. */
  readonly fromHeight?: number;
  readonly signal?: AbortSignal;
  /** Reconnect after a dropped connection, resuming after the last height seen. Default true. */
  readonly reconnect?: boolean;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const WAIT_BACKOFF = { firstMs: 50, factor: 1.5, maxMs: 1_000 } as const;

/**
 * A typed client of one node's REST API (docs/api.md). Methods resolve to the JSON
 * answers (src/client/wire.ts) and throw LedgerClientError carrying the server's error code;
 * lookups of unknown ids resolve to null instead, and getTx to status `unknown`.
 */
export class LedgerClient {
  private readonly base: string;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;
  private readonly key: SigningKey | undefined;
  private readonly lifetimeS: number;
  private chainId: string | undefined;
  private token: { value: string; renewAtMs: number } | null = null;

  constructor(opts: LedgerClientOptions) {
    this.base = opts.url.replace(/\/+$/, '');
    this.fetchFn = opts.fetch ?? globalThis.fetch;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.key = opts.key;
    this.chainId = opts.chainId;
    this.lifetimeS = Math.min(opts.tokenLifetimeS ?? READ_TOKEN_LIMITS.defaultLifetimeS, READ_TOKEN_LIMITS.maxLifetimeS);
  }

  /** The read token requests carry now (minted on first use), or null without a key. */
  async readToken(): Promise<string | null> {
    if (this.key === undefined) return null;
    const now = Date.now();
    if (this.token === null || now >= this.token.renewAtMs) {
      this.chainId ??= (await this.status()).chainId;
      const lifetimeS = this.lifetimeS;
      this.token = { value: createReadToken(this.key, this.chainId, now, lifetimeS), renewAtMs: now + Math.max(lifetimeS - 30, lifetimeS / 2) * 1000 };
    }
    return this.token.value;
  }

  /** GET /v1/status. */
  status(): Promise<StatusJson> {
    return this.get('/v1/status');
  }

  /** GET /v1/members. */
  members(): Promise<MembersJson> {
    return this.get('/v1/members');
  }

  /**
   * POST /v1/transactions; resolves to the hash once the pool accepted it. Idempotent: sending
   * the same signed transaction again resolves to the same hash while it is pending, and to its
   * full answer (status committed or rejected) once settled, so a retry after a timeout is safe.
   */
  submit(tx: TxEnvelope): Promise<SubmitAnswer> {
    return this.request('POST', '/v1/transactions', txToJson(tx));
  }

  /** GET /v1/transactions/:hash; an unknown hash resolves to status `unknown`. */
  async getTx(hash: string): Promise<TxAnswer> {
    const a = await this.getOrNull<TxAnswer>(`/v1/transactions/${hash}`);
    return a ?? { hash, status: 'unknown' };
  }

  /**
   * Resolves once the transaction is committed or rejected, with its answer (proof and
   * certificate included). Follows the event stream (GET /v1/events) from the head it saw
   * before its first look, so a commit in between is replayed, not missed; nothing polls.
   * Throws LedgerClientError TIMEOUT after timeoutMs (default 30 s), or the signal's reason.
   */
  async waitForTx(hash: string, opts: WaitOptions = {}): Promise<TxAnswer> {
    const want = hash.toLowerCase();
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), opts.timeoutMs ?? 30_000);
    const onAbort = (): void => stop.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let last: TxAnswer = { hash: want, status: 'unknown' };
    try {
      const { height } = await this.status();
      last = await this.getTx(want);
      if (last.status === 'committed' || last.status === 'rejected') return last;
      for await (const block of this.blockEvents({ fromHeight: height + 1, signal: stop.signal })) {
        if (block.txs.some((t) => t.hash === want)) return await this.getTx(want);
      }
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      stop.abort();
    }
    if (opts.signal?.aborted === true) throw opts.signal.reason;
    throw new LedgerClientError('TIMEOUT', `transaction ${want} still ${last.status}`, 0);
  }

  /** GET /v1/accounts/:publicKey (a hex key or an account id); null when unknown. */
  getAccount(idOrKey: string | Uint8Array): Promise<AccountJson | null> {
    return this.getOrNull(`/v1/accounts/${encodeURIComponent(typeof idOrKey === 'string' ? idOrKey : toHex(idOrKey))}`);
  }

  /** The nonce to sign the key's next transaction with. Throws NOT_FOUND for an unknown key. */
  async nextNonce(publicKey: string | Uint8Array): Promise<number> {
    const acct = await this.getAccount(publicKey);
    if (acct === null) throw new LedgerClientError('NOT_FOUND', 'unknown account', 404);
    return acct.nextNonce;
  }

  /** GET /v1/invoices/:id; null when unknown. */
  getInvoice(id: string): Promise<InvoiceJson | null> {
    return this.getOrNull(`/v1/invoices/${encodeURIComponent(id)}`);
  }

  /** GET /v1/invoices?holder=&status=&limit=&cursor=: one page; `all(...)` walks every page. */
  listInvoices(q: { holder?: string; status?: InvoiceStatus } & PageQuery = {}): Promise<PageJson<InvoiceJson>> {
    return this.get(`/v1/invoices${query(q)}`);
  }

  /** GET /v1/invoices/:id/history?limit=&cursor=: one page, oldest first; null when unknown. */
  invoiceHistory(id: string, q: PageQuery = {}): Promise<HistoryJson | null> {
    return this.getOrNull(`/v1/invoices/${encodeURIComponent(id)}/history${query(q)}`);
  }

  /** GET /v1/assets/:id; null when unknown. */
  getAsset(id: string): Promise<AssetJson | null> {
    return this.getOrNull(`/v1/assets/${encodeURIComponent(id)}`);
  }

  /** GET /v1/assets?owner=&limit=&cursor=: one page. */
  listAssets(q: { owner?: string } & PageQuery = {}): Promise<PageJson<AssetJson>> {
    return this.get(`/v1/assets${query(q)}`);
  }

  /** GET /v1/assets/:id/history?limit=&cursor=: one page, oldest first; null when unknown. */
  assetHistory(id: string, q: PageQuery = {}): Promise<HistoryJson | null> {
    return this.getOrNull(`/v1/assets/${encodeURIComponent(id)}/history${query(q)}`);
  }

  /** GET /v1/blocks/:height; null above the head. */
  getBlock(height: number): Promise<BlockJson | null> {
    return this.getOrNull(`/v1/blocks/${height}`);
  }

  /** GET /v1/blocks/latest; null before the first block. */
  latestBlock(): Promise<BlockJson | null> {
    return this.getOrNull('/v1/blocks/latest');
  }

  /** GET /v1/blocks?from=&limit=&cursor=: one page in height order from `from` (default 1). */
  blocks(q: { from?: number } & PageQuery = {}): Promise<BlocksPageJson> {
    return this.get(`/v1/blocks${query(q)}`);
  }

  /**
   * Every item of a list, page after page: `client.all((cursor) => client.listInvoices({ holder, cursor }))`.
   * The same filters go with every page; it stops at the page whose nextCursor is null.
   */
  async *all<T>(page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null } | null>): AsyncGenerator<T> {
    let cursor: string | undefined;
    for (;;) {
      const p = await page(cursor);
      if (p === null) return;
      yield* p.items;
      if (p.nextCursor === null) return;
      cursor = p.nextCursor;
    }
  }

  /** GET /v1/proofs/state?key=: verify the answer with verifyStateAnswer. */
  stateProof(key: string | Uint8Array): Promise<StateAnswer> {
    return this.get(`/v1/proofs/state${query({ key: typeof key === 'string' ? key : toHex(key) })}`);
  }

  /** GET /metrics (Prometheus text). */
  async metrics(): Promise<string> {
    const res = await this.send('GET', '/metrics', undefined);
    return res.text();
  }

  /**
   * Committed blocks as they come (GET /v1/events), replayed from `fromHeight` first. With
   * `reconnect` (the default) a dropped stream resumes after the last height seen, so no block
   * is skipped or repeated; the iteration ends when `signal` aborts or the caller stops.
   */
  async *blockEvents(opts: BlockEventsOptions = {}): AsyncGenerator<BlockEventJson> {
    let next = opts.fromHeight;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.send('GET', `/v1/events${query({ fromHeight: next })}`, undefined, opts.signal ?? null);
        if (res.body === null) throw new LedgerClientError('BAD_RESPONSE', 'event stream has no body', res.status);
        for await (const ev of parseSse(res.body)) {
          if (ev.event !== 'block') continue;
          const block = JSON.parse(ev.data) as BlockEventJson;
          next = block.height + 1;
          attempt = 0;
          yield block;
        }
      } catch (e) {
        if (opts.signal?.aborted === true || opts.reconnect === false) return;
        if (e instanceof LedgerClientError && e.status >= 400 && e.status < 500 && e.status !== 429) throw e;
      }
      if (opts.reconnect === false) return;
      try {
        await pause(Math.min(WAIT_BACKOFF.firstMs * 2 ** attempt, 5_000), opts.signal);
      } catch {
        return;
      }
    }
  }

  private get<T>(path: string): Promise<T> {
    return this.request('GET', path, undefined);
  }

  private async getOrNull<T>(path: string): Promise<T | null> {
    try {
      return await this.get<T>(path);
    } catch (e) {
      if (e instanceof LedgerClientError && e.status === 404) return null;
      throw e;
    }
  }

  private async request<T>(method: string, path: string, body: unknown): Promise<T> {
    const res = await this.send(method, path, body);
    try {
      return (await res.json()) as T;
    } catch {
      throw new LedgerClientError('BAD_RESPONSE', `${method} ${path}: answer is not JSON`, res.status);
    }
  }

  // `signal` null means a stream: no timeout, only the caller's abort.
  private async send(method: string, path: string, body: unknown, signal?: AbortSignal | null): Promise<Response> {
    const timeout = signal === undefined ? AbortSignal.timeout(this.timeoutMs) : signal;
    // Status is public (and is where the chain id for the token comes from); submissions carry
    // their own signature.
    const token = path === '/v1/status' || method === 'POST' ? null : await this.readToken();
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.fetchFn(`${this.base}${path}`, {
        method,
        headers,
        ...(timeout !== null && { signal: timeout }),
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    } catch (e) {
      const timedOut = e instanceof Error && e.name === 'TimeoutError';
      throw new LedgerClientError(timedOut ? 'TIMEOUT' : 'NETWORK_ERROR', `${method} ${path}: ${(e as Error).message}`, 0);
    }
    if (res.ok) return res;
    let envelope: Partial<ErrorEnvelopeJson> = {};
    try {
      envelope = (await res.json()) as Partial<ErrorEnvelopeJson>;
    } catch {
      // Not our envelope (a proxy's page): keep the status only.
    }
    const code = envelope.error?.code;
    // A code this SDK does not know (a newer node's) keeps its text in the message.
    if (code !== undefined && !isServerErrorCode(code)) throw new LedgerClientError('BAD_RESPONSE', `${method} ${path}: HTTP ${res.status} ${code}: ${envelope.error?.message ?? ''}`, res.status);
    throw new LedgerClientError(code ?? 'BAD_RESPONSE', envelope.error?.message ?? `${method} ${path}: HTTP ${res.status}`, res.status);
  }
}

function query(q: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, String(v));
  const s = p.toString();
  return s === '' ? '' : `?${s}`;
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
