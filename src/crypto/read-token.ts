import type { PublicKey } from '../types/primitives.js';
import { fromHex, toHex } from '../util/bytes.js';
import { signMessage, verifySignature, type SigningKey } from './ed25519.js';

// Read tokens: a compact JWS (RFC 7515) JWT (RFC 7519) with alg EdDSA (RFC 8037), signed by
// the reader's own account key. Standard enough that any JOSE library can mint one, but written
// here on node:crypto rather than with `jose` because the signature must pass the one
// RFC 8032-strict policy of verifySignature (jose goes to OpenSSL, which accepts small-order
// keys and non-canonical encodings), and because the SDK (sign) and the API (verify) share it
// from crypto/, which imports only node:crypto and @noble.

/** Claims of a read token. `sub` is the signer's public key (lower-case hex). */
export interface ReadTokenClaims {
  readonly sub: string;
  /** The chain id: a token for one chain is useless on another. */
  readonly aud: string;
  /** Issued at, seconds since the epoch. */
  readonly iat: number;
  /** Expires at, seconds since the epoch. */
  readonly exp: number;
}

/** Limits a verifier applies before any signature check. */
export const READ_TOKEN_LIMITS = {
  /** Longest accepted lifetime (exp - iat). */
  maxLifetimeS: 300,
  /** Clock skew tolerated on iat (a client clock slightly ahead) and on exp. */
  skewS: 30,
  /** A real token is ~300 characters; anything much longer is refused unparsed. */
  maxChars: 1_024,
  /** Lifetime the SDK asks for. */
  defaultLifetimeS: 120,
} as const;

const HEADER_B64 = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'JWT' })).toString('base64url');
const B64URL = /^[A-Za-z0-9_-]+$/;

/** Mints a token for `key`, valid on chain `chainId` for `lifetimeS` seconds from `nowMs`. */
export function createReadToken(key: SigningKey, chainId: string, nowMs = Date.now(), lifetimeS: number = READ_TOKEN_LIMITS.defaultLifetimeS): string {
  const iat = Math.floor(nowMs / 1000);
  const claims: ReadTokenClaims = { sub: toHex(key.publicKey), aud: chainId, iat, exp: iat + lifetimeS };
  const input = `${HEADER_B64}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${Buffer.from(signMessage(key, Buffer.from(input, 'ascii'))).toString('base64url')}`;
}

/** A token whose form, audience and times are acceptable; its signature is not yet checked. */
export interface ParsedReadToken {
  readonly claims: ReadTokenClaims;
  readonly publicKey: PublicKey;
  readonly signingInput: Uint8Array;
  readonly signature: Uint8Array;
}

/** Why a token was refused (for logs and tests; the client only ever sees 401). */
export type ReadTokenFault = 'malformed' | 'oversize' | 'wrong-alg' | 'wrong-audience' | 'expired' | 'future' | 'too-long-lived';

/**
 * Checks everything but the signature: size, form, header, claims, audience and times. Cheap
 * (no crypto), so a flood of junk costs no signature verification.
 */
export function parseReadToken(token: string, chainId: string, nowMs = Date.now()): ParsedReadToken | ReadTokenFault {
  if (token.length > READ_TOKEN_LIMITS.maxChars) return 'oversize';
  const parts = token.split('.');
  if (parts.length !== 3) return 'malformed';
  const [h, p, s] = parts as [string, string, string];
  if (!B64URL.test(h) || !B64URL.test(p) || !B64URL.test(s)) return 'malformed';
  const header = json(h);
  if (header === null) return 'malformed';
  if (header.alg !== 'EdDSA' || header.crit !== undefined) return 'wrong-alg';
  const c = json(p);
  if (c === null) return 'malformed';
  const { sub, aud, iat, exp } = c;
  if (typeof sub !== 'string' || !/^[0-9a-f]{64}$/.test(sub) || typeof aud !== 'string' || !Number.isSafeInteger(iat) || !Number.isSafeInteger(exp)) {
    return 'malformed';
  }
  const signature = Buffer.from(s, 'base64url');
  // Canonical base64url only: the last character has spare bits, and a token must have one form.
  if (signature.length !== 64 || signature.toString('base64url') !== s) return 'malformed';
  if (aud !== chainId) return 'wrong-audience';
  const now = Math.floor(nowMs / 1000);
  const [issued, expires] = [iat as number, exp as number];
  if (issued > now + READ_TOKEN_LIMITS.skewS) return 'future';
  if (expires <= now - READ_TOKEN_LIMITS.skewS || expires <= issued) return 'expired';
  if (expires - issued > READ_TOKEN_LIMITS.maxLifetimeS) return 'too-long-lived';
  return {
    claims: { sub, aud, iat: issued, exp: expires },
    publicKey: fromHex(sub) as PublicKey,
    signingInput: Buffer.from(`${h}.${p}`, 'ascii'),
    signature: new Uint8Array(signature),
  };
}

/** The signature check of a parsed token (RFC 8032 strict, as for transactions). */
export function readTokenSignatureValid(t: ParsedReadToken): boolean {
  return verifySignature(t.publicKey, t.signingInput, t.signature);
}

function json(b64: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(b64, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
