import { createHash } from 'node:crypto';
import { parseReadToken, readTokenSignatureValid } from '../crypto/read-token.js';
import type { ReaderAccount } from './deps.js';
import { ApiError } from './errors.js';

/** Tuning of ReadAuth. */
export interface ReadAuthOptions {
  /** Verified tokens remembered (one entry per live token: roughly one per client). */
  readonly cacheMax: number;
  readonly now?: () => number;
}

/** Defaults of ReadAuthOptions. */
export const READ_AUTH_DEFAULTS = { cacheMax: 10_000 } as const;

/** What ReadAuth needs from the node. */
export interface ReadAuthDeps {
  readonly chainId: () => string;
  /** The account whose CURRENT key is `publicKeyHex` at the committed head, or null. */
  readonly reader: (publicKeyHex: string) => ReaderAccount | null;
}

/** Counters of the token cache (tests and the verify-cost benchmark read them). */
export interface ReadAuthStats {
  signatureChecks: number;
  cacheHits: number;
  refused: number;
}

const BEARER = /^Bearer ([A-Za-z0-9._-]{1,2048})$/;

/**
 * Authenticates a read: `Authorization: Bearer <token>` (crypto/read-token.ts). Cheap checks
 * first (form, audience, times, a registered current key), then one signature check per token
 * per lifetime: a verified token is cached by its hash until it expires. The account is
 * resolved on every request against the committed head, so a rotation or a role change takes
 * effect at the block that commits it, cached token or not.
 */
export class ReadAuth {
  readonly stats: ReadAuthStats = { signatureChecks: 0, cacheHits: 0, refused: 0 };
  private readonly opts: ReadAuthOptions;
  private readonly deps: ReadAuthDeps;
  /** Token hash → its expiry (ms) and signer key, for verified tokens only. */
  private readonly verified = new Map<string, { expMs: number; sub: string }>();

  constructor(opts: ReadAuthOptions, deps: ReadAuthDeps) {
    this.opts = opts;
    this.deps = deps;
  }

  /** The reader a request's Authorization header proves, or ApiError UNAUTHORIZED. */
  authenticate(authorization: string | undefined): ReaderAccount {
    const now = this.opts.now?.() ?? Date.now();
    const m = authorization === undefined ? null : BEARER.exec(authorization);
    if (m === null) return this.refuse('a read needs "Authorization: Bearer <token>" signed by a registered account key (ledger token --key FILE)');
    const token = m[1] as string;
    const id = createHash('sha256').update(token).digest('base64');
    const hit = this.verified.get(id);
    let sub: string;
    if (hit !== undefined && hit.expMs > now) {
      this.stats.cacheHits++;
      sub = hit.sub;
    } else {
      const parsed = parseReadToken(token, this.deps.chainId(), now);
      if (typeof parsed === 'string') return this.refuse(`read token refused: ${parsed}`);
      // A key no account holds now is refused before paying for its signature.
      if (this.deps.reader(parsed.claims.sub) === null) return this.refuse('read token refused: not the current key of any account');
      this.stats.signatureChecks++;
      if (!readTokenSignatureValid(parsed)) return this.refuse('read token refused: bad signature');
      sub = parsed.claims.sub;
      this.remember(id, { expMs: parsed.claims.exp * 1000, sub }, now);
    }
    const reader = this.deps.reader(sub);
    if (reader === null) return this.refuse('read token refused: not the current key of any account');
    return reader;
  }

  private remember(id: string, entry: { expMs: number; sub: string }, now: number): void {
    if (this.verified.size >= this.opts.cacheMax) {
      for (const [k, v] of this.verified) if (v.expMs <= now) this.verified.delete(k);
      // Still full of live tokens: drop the oldest (insertion order); they re-verify once.
      while (this.verified.size >= this.opts.cacheMax) {
        const oldest = this.verified.keys().next();
        if (oldest.done === true) break;
        this.verified.delete(oldest.value);
      }
    }
    this.verified.set(id, entry);
  }

  private refuse(message: string): never {
    this.stats.refused++;
    throw new ApiError('UNAUTHORIZED', message);
  }

  /** Tokens in the cache. */
  get cached(): number {
    return this.verified.size;
  }
}
