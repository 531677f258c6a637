import type { PublicKey, Role } from './primitives.js';

/** A consortium member (validator). */
export interface Member {
  readonly name: string;
  readonly publicKey: PublicKey;
  /** libp2p multiaddr where the member listens, e.g. /ip4/127.0.0.1/tcp/9080. */
  readonly address: string;
}

/** An account created at genesis. */
export interface GenesisAccount {
  readonly name: string;
  readonly publicKey: PublicKey;
  readonly role: Role;
}

/** Consensus parameters fixed at genesis. */
export interface ConsensusParams {
  /** Base view timeout. */
  readonly viewTimeoutMs: number;
  /** Cap of the exponential back-off (Besu's uncapped timeouts are the anti-model). */
  readonly maxViewTimeoutMs: number;
  /** Upper bound of transactions per block. */
  readonly maxBlockTxs: number;
  /** Upper bound of a block's encoded size. */
  readonly maxBlockBytes: number;
  /**
   * An idle chain writes no blocks (docs/protocol.md R24) except one empty heartbeat block
   * per this many minutes, to show it still commits; 0 turns heartbeats off.
   */
  readonly heartbeatMinutes: number;
  /**
   * Genesis files written before heartbeats carry this field; it is kept only so that their
   * hash (the chain identity) stays the same, and no longer used.
   */
  readonly emptyBlockIntervalMs?: number;
}

/** The genesis file. Every node must hold an identical one; its hash is the chain identity. */
export interface Genesis {
  readonly chainId: string;
  readonly genesisTimeMs: number;
  readonly consensus: ConsensusParams;
  readonly members: readonly Member[];
  /** Every member is also an account with role `member`; these are the others. */
  readonly accounts: readonly GenesisAccount[];
}
