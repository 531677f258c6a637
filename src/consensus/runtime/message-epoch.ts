import type { ConsensusMessage } from '../core/types.js';

/**
 * The epoch a consensus message speaks for (docs/protocol.md R20), or null when it names none
 * (a syncInfo without certificates). The runtime uses it to notice that peers have moved to a
 * later epoch, which means this node missed the end of its own and must sync.
 */
export function messageEpoch(m: ConsensusMessage): number | null {
  switch (m.type) {
    case 'proposal': return m.block.header.epoch;
    case 'vote': return m.data.epoch;
    case 'timeout': return m.epoch;
    case 'syncInfo': return m.highQc?.data.epoch ?? m.highTc?.epoch ?? null;
  }
}
