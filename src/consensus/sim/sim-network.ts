import type { Channel, Transport } from '../../types/edges.js';
import type { MemberIndex } from '../../types/primitives.js';
import type { SeededRng } from './rng.js';
import type { VirtualClock } from './virtual-clock.js';

/** How the network treats messages right now. */
export interface LinkFaults {
  /** Probability a message is lost. */
  readonly dropRate: number;
  /** Probability a message is delivered twice (each copy with its own delay). */
  readonly dupRate: number;
  /** Delay bounds. */
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  /**
   * When true each message gets its own delay, so messages overtake each other; when false a
   * link delivers in sending order (the Transport contract: in order or not at all).
   */
  readonly reorder: boolean;
}

/** A reliable network: no loss, no copies, small delays. */
export const CALM_LINKS: LinkFaults = { dropRate: 0, dupRate: 0, minDelayMs: 1, maxDelayMs: 10, reorder: false };

type Handler = (from: MemberIndex, channel: Channel, bytes: Uint8Array) => void;

/**
 * A simulated process's network identity (the index of its key, simKey(node)): what a libp2p
 * PeerId is to Libp2pTransport. Member indices are positions in a member list; node ids are not.
 */
export type NodeId = number;

/** One attached process. Twins are two endpoints with the same node id. */
interface Endpoint {
  readonly id: number;
  readonly node: NodeId;
  readonly transport: SimTransport;
  readonly handlers: Handler[];
  alive: boolean;
}

/** Sees every message a live endpoint sends (the invariant checker reads votes here), by node id. */
export type SendObserver = (endpointId: number, from: NodeId, to: NodeId, channel: Channel, bytes: Uint8Array) => void;

/** Sees every message delivered (for the trace); `from` is the sender's node id. */
export type DeliveryObserver = (endpointId: number, from: NodeId, channel: Channel, bytes: Uint8Array) => void;

/**
 * In-process network of the simulator. Messages go through the VirtualClock with seeded loss,
 * duplication and delay (so reordering), and are dropped between endpoints in different
 * partition groups. `transport(node)` attaches a new endpoint; stopping its transport is a
 * crash (nothing more is sent or delivered). Links keep sending order unless the faults say
 * `reorder` (the protocol must not rely on order, so chaos schedules turn it on).
 *
 * Addressing is by identity, as with Libp2pTransport: each transport holds its own member list
 * (node ids by member index), resolves `send(to)` through it, and hands a received message to
 * its handlers only when the sender is in its list, tagged with the sender's index in that
 * list at delivery time. `updateMembers` replaces the list (the node calls it from the
 * runtime's onEpochChange), so indices shift exactly as they do for libp2p's reindexing, and
 * two nodes in different epochs disagree on indices exactly as real ones would.
 */
export class SimNetwork {
  private readonly clock: VirtualClock;
  private readonly rng: SeededRng;
  /** The member list every transport starts with (node ids 0..n-1 unless given). */
  readonly initialMembers: readonly NodeId[];
  private readonly endpoints: Endpoint[] = [];
  private faults: LinkFaults = CALM_LINKS;
  private groupOf: ((endpointId: number) => number) | null = null;
  private readonly isolatedUntil = new Map<NodeId, number>();
  // Per link (source endpoint -> destination endpoint): the latest delivery time scheduled.
  private readonly linkTail = new Map<number, number>();
  private readonly sendObservers: SendObserver[] = [];
  private readonly deliveryObservers: DeliveryObserver[] = [];
  private sent = 0;

  /** `members`: a member count (node ids 0..n-1 in order) or the initial member list itself. */
  constructor(clock: VirtualClock, rng: SeededRng, members: number | readonly NodeId[]) {
    this.clock = clock;
    this.rng = rng;
    this.initialMembers = typeof members === 'number' ? [...Array(members).keys()] : [...members];
  }

  /** Size of the initial member list. */
  get memberCount(): number {
    return this.initialMembers.length;
  }

  /** Attaches a new endpoint for process `node` (member list: the initial one) and returns its Transport. */
  transport(node: NodeId): SimTransport {
    const id = this.endpoints.length;
    const t = new SimTransport(this, id, node, this.initialMembers);
    this.endpoints.push({ id, node, transport: t, handlers: [], alive: true });
    return t;
  }

  /** Changes loss, duplication and delay from now on. */
  setFaults(f: LinkFaults): void {
    this.faults = f;
  }

  /** Splits endpoints into groups that cannot reach each other; null heals. */
  partition(groupOf: ((endpointId: number) => number) | null): void {
    this.groupOf = groupOf;
  }

  /** Cuts every endpoint of process `node` off from the others until virtual time `untilMs`. */
  isolate(node: NodeId, untilMs: number): void {
    this.isolatedUntil.set(node, untilMs);
  }

  /** Registers a send observer. */
  onSend(o: SendObserver): void {
    this.sendObservers.push(o);
  }

  /** Registers a delivery observer. */
  onDeliver(o: DeliveryObserver): void {
    this.deliveryObservers.push(o);
  }

  /** Messages sent so far. */
  get messagesSent(): number {
    return this.sent;
  }

  /** @internal Used by SimTransport. */
  addHandler(endpointId: number, h: Handler): void {
    (this.endpoints[endpointId] as Endpoint).handlers.push(h);
  }

  /** @internal Used by SimTransport. */
  isAlive(endpointId: number): boolean {
    return (this.endpoints[endpointId] as Endpoint).alive;
  }

  /** @internal Used by SimTransport. */
  kill(endpointId: number): void {
    (this.endpoints[endpointId] as Endpoint).alive = false;
  }

  /** @internal True when process `node` has a live endpoint. */
  hasLive(node: NodeId): boolean {
    return this.endpoints.some((e) => e.alive && e.node === node);
  }

  /** @internal Sends from an endpoint to every live endpoint of process `to`. */
  deliver(fromEp: number, to: NodeId, channel: Channel, bytes: Uint8Array): void {
    const src = this.endpoints[fromEp] as Endpoint;
    if (!src.alive) return;
    this.sent++;
    for (const o of this.sendObservers) o(fromEp, src.node, to, channel, bytes);
    const f = this.faults;
    const now = this.clock.now();
    if ((this.isolatedUntil.get(src.node) ?? 0) > now || (this.isolatedUntil.get(to) ?? 0) > now) return;
    for (const dst of this.endpoints) {
      if (dst.node !== to || dst.id === fromEp || !dst.alive) continue;
      if (this.groupOf !== null && this.groupOf(src.id) !== this.groupOf(dst.id)) continue;
      if (f.dropRate > 0 && this.rng.chance(f.dropRate)) continue;
      const copies = f.dupRate > 0 && this.rng.chance(f.dupRate) ? 2 : 1;
      for (let c = 0; c < copies; c++) {
        let at = now + this.rng.range(f.minDelayMs, f.maxDelayMs);
        if (!f.reorder) {
          const link = src.id * 65_536 + dst.id;
          at = Math.max(at, this.linkTail.get(link) ?? 0);
          this.linkTail.set(link, at);
        }
        this.clock.schedule(at, () => {
          if (!dst.alive) return;
          // The receiver's list at arrival decides (libp2p's gater and deliver() re-check
          // membership): a sender it does not list is not heard, the others get its index.
          const from = dst.transport.indexOf(src.node);
          if (from < 0) return;
          for (const o of this.deliveryObservers) o(dst.id, src.node, channel, bytes);
          for (const h of dst.handlers) h(from, channel, bytes);
        });
      }
    }
  }
}

/** The Transport of one simulated endpoint. */
export class SimTransport implements Transport {
  /** Network-wide endpoint id (twins differ here). */
  readonly endpointId: number;
  /** The process this endpoint belongs to (its key). */
  readonly node: NodeId;
  private readonly net: SimNetwork;
  private members: readonly NodeId[];
  private selfIndex: MemberIndex;

  constructor(net: SimNetwork, endpointId: number, node: NodeId, members: readonly NodeId[]) {
    this.net = net;
    this.endpointId = endpointId;
    this.node = node;
    this.members = members;
    this.selfIndex = members.indexOf(node);
  }

  /** This node's index in its member list; -1 while it is not a member (see updateMembers). */
  get self(): MemberIndex {
    return this.selfIndex;
  }

  /** Size of this transport's member list. */
  get memberCount(): number {
    return this.members.length;
  }

  /** The member list in force here, node ids by member index. */
  get memberList(): readonly NodeId[] {
    return this.members;
  }

  /** Member index of process `node` in this transport's list; -1 when it is not listed. */
  indexOf(node: NodeId): MemberIndex {
    return this.members.indexOf(node);
  }

  /** Process at member index `index` of this transport's list, or undefined. */
  nodeAt(index: MemberIndex): NodeId | undefined {
    return this.members[index];
  }

  /**
   * Replaces the member list, as Libp2pTransport.updateMembers does: indices follow the new
   * list, removed members are neither addressed nor heard from now on (messages in flight from
   * them are dropped on arrival). Unlike libp2p, which throws P2P_SELF_NOT_MEMBER, a list
   * without this node is accepted: the process keeps a follower's view of the members (self
   * -1), which is what a not-yet-added or removed node needs to hear later epochs and sync.
   */
  updateMembers(members: readonly NodeId[]): void {
    this.members = [...members];
    this.selfIndex = this.members.indexOf(this.node);
  }

  /** Nothing to open: the endpoint is live from attachment. */
  async start(): Promise<void> {}

  /** Crash: no more sends or deliveries for this endpoint. */
  async stop(): Promise<void> {
    this.net.kill(this.endpointId);
  }

  /** Fire-and-forget to one member; self and unknown indices are ignored. */
  send(to: MemberIndex, channel: Channel, bytes: Uint8Array): void {
    const node = this.members[to];
    if (to !== this.selfIndex && node !== undefined) this.net.deliver(this.endpointId, node, channel, bytes);
  }

  /** To every other member. */
  broadcast(channel: Channel, bytes: Uint8Array): void {
    // Members, not endpoints: a down member gets nothing, exactly as with a real transport.
    for (let m = 0; m < this.members.length; m++) if (m !== this.selfIndex) this.net.deliver(this.endpointId, this.members[m] as NodeId, channel, bytes);
  }

  /** Registers a handler; several may listen (one per channel user). */
  onMessage(handler: (from: MemberIndex, channel: Channel, bytes: Uint8Array) => void): void {
    this.net.addHandler(this.endpointId, handler);
  }

  /** Members (by index, ascending) with a live endpoint. */
  connectedPeers(): readonly MemberIndex[] {
    if (!this.net.isAlive(this.endpointId)) return [];
    const out: MemberIndex[] = [];
    this.members.forEach((n, i) => {
      if (i !== this.selfIndex && this.net.hasLive(n)) out.push(i);
    });
    return out;
  }
}
