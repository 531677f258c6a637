import type { Block } from '../../types/block.js';
import type { Hash } from '../../types/primitives.js';
import type { BuildBlockRequest } from '../runtime/application.js';

/**
 * Where Byzantine members get blocks: the simulator's application (FakeApplication answers at
 * once, the real chain behind SimLedger through a promise that settles within microtasks).
 */
export interface BlockSource {
  /** Another valid block for the slot of `req`, different for each `salt`; null when its parent is unknown. */
  buildVariant(req: BuildBlockRequest, salt: number): Block | null | Promise<Block | null>;
  /** A block this node built, accepted or committed; null when unknown. */
  knownBlock(hash: Hash): Block | null | Promise<Block | null>;
}

/** Runs `then` on a value at once, or once its promise settles (a rejection counts as null). */
export function whenReady<T>(v: T | null | Promise<T | null>, then: (v: T | null) => void): void {
  if (v instanceof Promise) void v.then(then, () => then(null));
  else then(v);
}
