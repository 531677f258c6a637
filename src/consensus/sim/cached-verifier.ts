import { sha256 } from '../../crypto/hash.js';
import { verifySignature } from '../../crypto/ed25519.js';
import type { TxSignatureVerifier } from '../../state/mempool/mempool.js';
import type { PublicKey, Signature } from '../../types/primitives.js';
import { toHex } from '../../util/bytes.js';
import type { SignatureVerifier } from '../core/types.js';

/**
 * A verifier that remembers valid signatures by (key, message hash, signature). Every
 * simulated node still checks every signature it is given; in-process nodes just share the
 * result, like the per-node caches of a real deployment would (PERF: turns ~60 µs into ~2 µs).
 */
export function cachedVerifier(max = 200_000): SignatureVerifier {
  const ok = new Set<string>();
  return (publicKey: PublicKey, message: Uint8Array, signature: Signature): boolean => {
    const id = toHex(signature) + toHex(publicKey) + toHex(sha256(message));
    if (ok.has(id)) return true;
    if (!verifySignature(publicKey, message, signature)) return false;
    if (ok.size >= max) ok.clear();
    ok.add(id);
    return true;
  };
}

/** The same shared cache in the mempool's (asynchronous) shape, for transaction signatures. */
export function sharedTxVerifier(max = 100_000): TxSignatureVerifier {
  const check = cachedVerifier(max);
  return { verify: async (publicKey, message, signature) => check(publicKey, message, signature) };
}
