import { toHex } from '../../util/bytes.js';

/**
 * Transactions whose signatures this node has verified, keyed by hash AND signature (the hash
 * excludes the signature, so a leader could otherwise pair a known body with a forged
 * signature), so a proposal carrying them is not verified again (ARCHITECTURE.md: verify once
 * per node). Bounded: when full, the older half generation is dropped; a miss only costs one
 * re-verification.
 */
export class VerifiedCache {
  private current = new Set<string>();
  private previous = new Set<string>();
  private readonly maxEntries: number;

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  /** Records a verified transaction. */
  add(hash: Uint8Array, signature: Uint8Array): void {
    if (this.current.size >= this.maxEntries / 2) {
      this.previous = this.current;
      this.current = new Set();
    }
    this.current.add(toHex(hash) + toHex(signature));
  }

  /** True when this exact transaction (hash and signature) was verified recently. */
  has(hash: Uint8Array, signature: Uint8Array): boolean {
    const k = toHex(hash) + toHex(signature);
    return this.current.has(k) || this.previous.has(k);
  }
}
