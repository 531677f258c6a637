import type { SafetyStateStore } from '../runtime/application.js';

/**
 * Safety store kept in memory across simulated crashes: what was saved before a crash is what
 * a restarted node loads, exactly like a synced file. `saves` lets tests check the ordering.
 */
export class MemorySafetyStore implements SafetyStateStore {
  private bytes: Uint8Array | null = null;
  /** Number of completed saves. */
  saves = 0;

  /** The last saved bytes. */
  async load(): Promise<Uint8Array | null> {
    return this.bytes;
  }

  /** Replaces the saved bytes (durable at once). */
  async save(bytes: Uint8Array): Promise<void> {
    this.bytes = bytes;
    this.saves++;
  }
}
