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

/** One attached process. Twins are two endpoints with the same member index. */
interface Endpoint {
  readonly id: number;
  readonly member: MemberIndex;
  readonly handlers: Handler[];
  alive: boolean;
}

/** Sees every message a live endpoint sends (the invariant checker reads votes here). */
export type SendObserver = (endpointId: number, from: MemberIndex, to: MemberIndex, channel: Channel, bytes: Uint8Array) => void;

/** Sees every message delivered (for the trace). */
export type DeliveryObserver = (endpointId: number, from: MemberIndex, channel: Channel, bytes: Uint8Array) => void;

/**
 * In-process network of the simulator. Messages go through the VirtualClock with seeded loss,
 * duplication and delay (so reordering), and are dropped between endpoints in different
 * partition groups. `transport(member)` attaches a new endpoint; stopping its transport is a
 * crash (nothing more is sent or delivered). Links keep sending order unless the faults say
 * `reorder` (the protocol must not rely on order, so chaos schedules turn it on).
 */
export class SimNetwork {
  private readonly clock: VirtualClock;
  private readonly rng: SeededRng;
  /** Size of the member set. */
  readonly memberCount: number;
  private readonly endpoints: Endpoint[] = [];
  private faults: LinkFaults = CALM_LINKS;
  private groupOf: ((endpointId: number) => number) | null = null;
  private readonly isolatedUntil = new Map<MemberIndex, number>();
  // Per link (source endpoint -> destination endpoint): the latest delivery time scheduled.
  private readonly linkTail = new Map<number, number>();
  private readonly sendObservers: SendObserver[] = [];
  private readonly deliveryObservers: DeliveryObserver[] = [];
  private sent = 0;

  constructor(clock: VirtualClock, rng: SeededRng, memberCount: number) {
    this.clock = clock;
    this.rng = rng;
    this.memberCount = memberCount;
  }

  /** Attaches a new endpoint for `member` and returns its Transport. */
  transport(member: MemberIndex): SimTransport {
    const ep: Endpoint = { id: this.endpoints.length, member, handlers: [], alive: true };
    this.endpoints.push(ep);
    return new SimTransport(this, ep.id, member);
  }

  /** Changes loss, duplication and delay from now on. */
  setFaults(f: LinkFaults): void {
    this.faults = f;
  }

  /** Splits endpoints into groups that cannot reach each other; null heals. */
  partition(groupOf: ((endpointId: number) => number) | null): void {
    this.groupOf = groupOf;
  }

  /** Cuts every endpoint of `member` off from the others until virtual time `untilMs`. */
  isolate(member: MemberIndex, untilMs: number): void {
    this.isolatedUntil.set(member, untilMs);
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

  /** @internal Members with a live endpoint, except `member`. */
  liveMembers(except: MemberIndex): MemberIndex[] {
    const out = new Set<MemberIndex>();
    for (const e of this.endpoints) if (e.alive && e.member !== except) out.add(e.member);
    return [...out].sort((a, b) => a - b);
  }

  /** @internal Sends from an endpoint to every live endpoint of `to`. */
  deliver(fromEp: number, to: MemberIndex, channel: Channel, bytes: Uint8Array): void {
    const src = this.endpoints[fromEp] as Endpoint;
    if (!src.alive || to < 0 || to >= this.memberCount) return;
    this.sent++;
    for (const o of this.sendObservers) o(fromEp, src.member, to, channel, bytes);
    const f = this.faults;
    const now = this.clock.now();
    if ((this.isolatedUntil.get(src.member) ?? 0) > now || (this.isolatedUntil.get(to) ?? 0) > now) return;
    for (const dst of this.endpoints) {
      if (dst.member !== to || dst.id === fromEp || !dst.alive) continue;
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
          for (const o of this.deliveryObservers) o(dst.id, src.member, channel, bytes);
          for (const h of dst.handlers) h(src.member, channel, bytes);
        });
      }
    }
  }
}

/** The Transport of one simulated endpoint. */
export class SimTransport implements Transport {
  /** This endpoint's member index. */
  readonly self: MemberIndex;
  /** Network-wide endpoint id (twins differ here). */
  readonly endpointId: number;
  private readonly net: SimNetwork;

  constructor(net: SimNetwork, endpointId: number, member: MemberIndex) {
    this.net = net;
    this.endpointId = endpointId;
    this.self = member;
  }

  /** Nothing to open: the endpoint is live from attachment. */
  async start(): Promise<void> {}

  /** Crash: no more sends or deliveries for this endpoint. */
  async stop(): Promise<void> {
    this.net.kill(this.endpointId);
  }

  /** Fire-and-forget to one member. */
  send(to: MemberIndex, channel: Channel, bytes: Uint8Array): void {
    if (to !== this.self) this.net.deliver(this.endpointId, to, channel, bytes);
  }

  /** To every other member. */
  broadcast(channel: Channel, bytes: Uint8Array): void {
    // Members, not endpoints: a down member gets nothing, exactly as with a real transport.
    for (let m = 0; m < this.net.memberCount; m++) if (m !== this.self) this.net.deliver(this.endpointId, m, channel, bytes);
  }

  /** Registers a handler; several may listen (one per channel user). */
  onMessage(handler: (from: MemberIndex, channel: Channel, bytes: Uint8Array) => void): void {
    this.net.addHandler(this.endpointId, handler);
  }

  /** Members with a live endpoint. */
  connectedPeers(): readonly MemberIndex[] {
    return this.net.isAlive(this.endpointId) ? this.net.liveMembers(this.self) : [];
  }
}
