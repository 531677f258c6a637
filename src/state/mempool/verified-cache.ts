import { toHex } from '../../util/bytes.js';

/**
 * Hashes of transactions whose signatures this node has verified, so a proposal carrying
 * them is not verified again (ARCHITECTURE.md: verify once per node). Bounded: when full, the
 * older half generation is dropped; a miss only costs one re-verification.
 */
export class VerifiedCache {
  private current = new Set<string>();
  private previous = new Set<string>();
  private readonly maxEntries: number;

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  /** Records a verified hash. */
  add(hash: Uint8Array): void {
    if (this.current.size >= this.maxEntries / 2) {
      this.previous = this.current;
      this.current = new Set();
    }
    this.current.add(toHex(hash));
  }

  /** True when the hash was verified recently. */
  has(hash: Uint8Array): boolean {
    const k = toHex(hash);
    return this.current.has(k) || this.previous.has(k);
  }
}
