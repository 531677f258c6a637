import { bytesEqual, toHex } from '../../util/bytes.js';

/**
 * Transactions whose signatures this node has verified, keyed by hash AND signature (the hash
 * excludes the signature, so a leader could otherwise pair a known body with a forged
 * signature), so a proposal carrying them is not verified again (docs/architecture.md: verify once
 * per node). Bounded: when full, the older half generation is dropped; a miss only costs one
 * re-verification.
 */
export class VerifiedCache {
  // hash hex -> the signature verified with it. PERF: one 64-char key and a 64-byte compare,
  // instead of building a 192-char hash+signature string for every add and lookup.
  private current = new Map<string, Uint8Array>();
  private previous = new Map<string, Uint8Array>();
  private readonly maxEntries: number;

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  /** Records a verified transaction. */
  add(hash: Uint8Array, signature: Uint8Array): void {
    this.addHex(toHex(hash), signature);
  }

  /** Records a verified transaction whose hash the caller already has in hex. */
  addHex(hashHex: string, signature: Uint8Array): void {
    if (this.current.size >= this.maxEntries / 2) {
      this.previous = this.current;
      this.current = new Map();
    }
    // Two different valid signatures of one body are possible (ed25519 signing need not be
    // deterministic); keeping the latest only costs the other one a re-verification.
    this.current.set(hashHex, signature);
  }

  /** True when this exact transaction (hash and signature) was verified recently. */
  has(hash: Uint8Array, signature: Uint8Array): boolean {
    const k = toHex(hash);
    const s = this.current.get(k) ?? this.previous.get(k);
    return s !== undefined && bytesEqual(s, signature);
  }
}
