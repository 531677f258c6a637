import type { Block } from '../../types/block.js';
import type { Height } from '../../types/primitives.js';
import { toHex } from '../../util/bytes.js';
import { blockHash } from './block-tree.js';

// Beyond this many uncommitted voted blocks the lowest is dropped: the chain has not committed
// for that long, and the block's other voters still hold it.
const MAX_VOTED_BLOCKS = 32;

/**
 * The uncommitted blocks this node voted for, persisted with the safety state (R9): every
 * honest voter of a certified block keeps it across a restart, so the block can always be
 * fetched from an honest node (R17) even if all of its honest voters crashed meanwhile.
 */
export class VotedBlocks {
  private readonly byKey = new Map<string, Block>();

  constructor(recovered: readonly Block[]) {
    for (const b of recovered) this.byKey.set(toHex(blockHash(b.header)), b);
  }

  /** Remembers a block about to be voted for. */
  add(key: string, block: Block): void {
    this.byKey.set(key, block);
    if (this.byKey.size <= MAX_VOTED_BLOCKS) return;
    let lowest: [string, Block] | null = null;
    for (const e of this.byKey) if (lowest === null || e[1].header.height < lowest[1].header.height) lowest = e;
    if (lowest !== null) this.byKey.delete(lowest[0]);
  }

  /** A remembered block by hex hash. */
  get(key: string): Block | undefined {
    return this.byKey.get(key);
  }

  /** Forgets blocks at or below the committed height. */
  prune(committedHeight: Height): void {
    for (const [k, b] of this.byKey) if (b.header.height <= committedHeight) this.byKey.delete(k);
  }

  /** The blocks, lowest first. */
  list(): Block[] {
    return [...this.byKey.values()].sort((a, b) => a.header.height - b.header.height || a.header.view - b.header.view);
  }
}
