import { utf8 } from '../util/bytes.js';

// One domain tag per signed type, so a signature made for one purpose can never be replayed as
// another. The trailing NUL keeps a tag from being a prefix of another tag.

/** Transactions. */
export const DOMAIN_TX_V1 = utf8('ledger/tx/v1\0');
/** Consensus votes (sign VoteData). */
export const DOMAIN_VOTE_V1 = utf8('ledger/vote/v1\0');
/** Consensus timeouts (sign [epoch, view, highQcView]). */
export const DOMAIN_TIMEOUT_V1 = utf8('ledger/timeout/v1\0');
/** Consensus proposals (the leader signs the block hash). */
export const DOMAIN_PROPOSAL_V1 = utf8('ledger/proposal/v1\0');

/** Bytes to sign: domain ‖ len(chainId) ‖ chainId ‖ message. */
export function signingBytes(domain: Uint8Array, chainId: string, message: Uint8Array): Uint8Array {
  const id = utf8(chainId);
  const out = new Uint8Array(domain.length + 1 + id.length + message.length);
  out.set(domain, 0);
  out[domain.length] = id.length;
  out.set(id, domain.length + 1);
  out.set(message, domain.length + 1 + id.length);
  return out;
}
