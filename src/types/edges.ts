import type { MemberIndex } from './primitives.js';

// The edges the runtime is built from. Each has a real and a fake implementation, and both
// pass the same suite in test/compliance (docs/conventions.md, Key interfaces).

/** Lifecycle of anything that holds resources. stop() awaits its own in-flight work. */
export interface Startable {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Cancels a timer; idempotent. */
export type Cancel = () => void;

/** Time source. Real: Date.now + setTimeout. Sim: VirtualClock. */
export interface Clock {
  now(): number;
  setTimer(delayMs: number, fire: () => void): Cancel;
}

/** Seeded randomness for the simulator; the consensus core needs none. */
export interface Rng {
  nextU32(): number;
}

/**
 * Point-to-point messages between members, by member index. Fire-and-forget: loss is normal
 * and the protocol recovers from it. Messages from one sender to one receiver arrive in order
 * or not at all. Handlers receive only messages from current members (the transport checks).
 */
export interface Transport extends Startable {
  /** This node's index in the member list; -1 while it is not a member (it only follows the chain). */
  readonly self: MemberIndex;
  send(to: MemberIndex, channel: Channel, bytes: Uint8Array): void;
  /** To every member but self. */
  broadcast(channel: Channel, bytes: Uint8Array): void;
  onMessage(handler: (from: MemberIndex, channel: Channel, bytes: Uint8Array) => void): void;
  /** Members currently connected (for /v1/status and metrics). */
  connectedPeers(): readonly MemberIndex[];
}

/** Logical channels, so that bulk batches never queue behind consensus votes. */
export type Channel = 'consensus' | 'batches' | 'sync';

/** One write in an atomic batch. value null = delete. */
export interface KvOp {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
}

/** A key range: gte inclusive, lt exclusive; reverse walks from the top; limit bounds the count. */
export interface KeyRange {
  readonly gte?: Uint8Array;
  readonly lt?: Uint8Array;
  readonly reverse?: boolean;
  readonly limit?: number;
}

/** Ordered byte key-value store (LevelKv, MemoryKv). Keys compare byte-wise. */
export interface KvStore extends Startable {
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]>;
  /** All-or-nothing; with sync the promise resolves only once the data is on disk (fsync). */
  batch(ops: readonly KvOp[], opts: { sync: boolean }): Promise<void>;
  iterate(range: KeyRange): AsyncIterable<[Uint8Array, Uint8Array]>;
}
