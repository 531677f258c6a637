import type { KvStore } from '../types/edges.js';
import { crashPoint } from './crash-point.js';
import { SAFETY_KEY } from './prefixes.js';

/** Durable home of the consensus safety state, as opaque bytes (consensus owns the encoding). */
export interface SafetyStore {
  /** The last saved bytes, or null on a fresh directory. */
  load(): Promise<Uint8Array | null>;
  /** Resolves only once `bytes` are on disk (fsync). */
  save(bytes: Uint8Array): Promise<void>;
}

/** Dependencies of KvSafetyStore. */
export interface KvSafetyStoreDeps {
  readonly kv: KvStore;
}

/**
 * SafetyStore over a KvStore: one key, each save a synced single-op batch. The runtime must
 * await save() before sending the vote or timeout the state describes.
 */
export class KvSafetyStore implements SafetyStore {
  private readonly kv: KvStore;

  constructor(_opts: Record<string, never>, deps: KvSafetyStoreDeps) {
    this.kv = deps.kv;
  }

  /** The last saved safety state bytes, or null. */
  async load(): Promise<Uint8Array | null> {
    return (await this.kv.get(SAFETY_KEY)) ?? null;
  }

  /** Replaces the safety state; resolves after fsync. */
  async save(bytes: Uint8Array): Promise<void> {
    // If we crash here, restart loads the previous state, and no message depending on the new
    // one has left the node (the runtime sends only after save resolves): nothing was promised.
    crashPoint('before-safety-save');
    await this.kv.batch([{ key: SAFETY_KEY, value: bytes }], { sync: true });
    // If we crash here, restart loads the new state although the vote was never sent: being
    // more conservative than needed is safe (a vote not sent cannot conflict with a later one).
    crashPoint('after-safety-save');
  }
}
