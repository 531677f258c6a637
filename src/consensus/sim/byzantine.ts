import { decodeConsensusMessage, encodeConsensusMessage, type ConsensusWireMessage, type ProposalMessage } from '../../codec/consensus.js';
import { decodeSyncMessage } from '../../codec/sync.js';
import { sha256 } from '../../crypto/hash.js';
import { signMessage, type SigningKey } from '../../crypto/ed25519.js';
import type { Block, QuorumCert, TimeoutSignature } from '../../types/block.js';
import type { Channel, Clock, Transport } from '../../types/edges.js';
import type { MemberIndex } from '../../types/primitives.js';
import { blockHash } from '../core/block-tree.js';
import { VOTE_WINDOW_VIEWS } from '../core/core.js';
import { proposalSigningBytes, quorumSize, timeoutSigningBytes, voteSigningBytes } from '../core/certificates.js';
import { whenReady, type BlockSource } from './block-source.js';
import { Forker } from './forker.js';
import type { SeededRng } from './rng.js';

/**
 * Byzantine behaviours (commonware mocks, Twins): each runs an honest core and runtime and
 * tampers with what leaves it.
 * - silent: sends nothing.
 * - equivocator: as leader, sends two different valid blocks for its view to the two halves
 *   of the members, then both to everyone a little later.
 * - conflicter: sends every vote plus a signed vote for a different block of the same view.
 * - invalidSigner: corrupts the signature of everything it signs.
 * - outdated: replays its old messages and sends signed timeouts for far-future views.
 * - forker: withholds a committing QC from all but one member, then proposes a sibling of the
 *   committed block after a timeout (forker.ts): only nodes that ignore the lock vote for it.
 * - twins: two instances share one key (no tampering; the twin is the fault).
 */
export const BEHAVIOURS = ['silent', 'equivocator', 'conflicter', 'invalidSigner', 'outdated', 'forker', 'twins'] as const;

/**
 * Behaviours aimed at the leader schedule (docs/protocol.md R3a-R3d), drawn from their own
 * seed stream so that the schedules of BEHAVIOURS seeds stay as they were:
 * - late: as leader, holds each proposal back for about a view timeout (often too late);
 * - gamer: votes just often enough to stay in the reputation window and never leads (its
 *   proposals are withheld), hoping to keep its turns while doing none of the work.
 */
export const REPUTATION_BEHAVIOURS = ['late', 'gamer'] as const;

/** One of BEHAVIOURS or REPUTATION_BEHAVIOURS. */
export type Behaviour = (typeof BEHAVIOURS)[number] | (typeof REPUTATION_BEHAVIOURS)[number];

/**
 * Attacks a seed adds on top of a Byzantine member's behaviour:
 * - timewarp: its clock runs at the edge of the skew bound or far ahead, so its blocks carry
 *   edge or far-future timestamps (R5: freshness gates votes, never validity).
 * - voteFlood: with every vote it also signs votes for other blocks of views across and
 *   beyond the vote window, sent to their leaders (R8: one vote per member per view, bounded).
 * - inflateTc: from q-1 honest timeouts and its own claim of a QC one view below, it builds
 *   TCs whose claimed highest QC it cannot show (R11: the TC must carry that QC).
 */
export const ATTACKS = ['timewarp', 'voteFlood', 'inflateTc'] as const;

/** One of ATTACKS. */
export type Attack = (typeof ATTACKS)[number];

/** What a tampering transport needs. */
export interface ByzantineDeps {
  readonly inner: Transport;
  readonly behaviour: Behaviour;
  readonly chainId: string;
  readonly key: SigningKey;
  /** Size of the member list in force at this node now (it changes with the epoch). */
  readonly memberCount: () => number;
  readonly clock: Clock;
  readonly rng: SeededRng;
  /** The Byzantine node's own application: parents and variant blocks come from it. */
  readonly app: BlockSource;
  /** Network collusion for the forker (see Forker), by member index in this node's list. */
  readonly isolate: (member: MemberIndex) => void;
  /** Attacks on top of the behaviour (timewarp acts through the node's clock, not here). */
  readonly attacks?: readonly Attack[];
}

// Votes a flooder signs per vote of its own, and how far past the window they reach.
const FLOOD_VOTES = 6;
const FLOOD_REACH_VIEWS = VOTE_WINDOW_VIEWS + 4;

const HISTORY = 64;
// The late leader's hold, around the simulator's view timeout (400 ms).
const LATE_MIN_MS = 200;
const LATE_MAX_MS = 600;
// The gamer sends one vote in this many: enough to appear in some certificate of every window.
const GAMER_VOTE_EVERY = 4;

/** A Transport that applies a Byzantine behaviour to outgoing 'consensus' messages. */
export class ByzantineTransport implements Transport {
  private readonly d: ByzantineDeps;
  private readonly history: ConsensusWireMessage[] = [];
  private readonly forker: Forker | null;
  private votesSeen = 0;

  constructor(deps: ByzantineDeps) {
    this.d = deps;
    this.forker = deps.behaviour !== 'forker' ? null : new Forker({
      self: () => deps.inner.self, chainId: deps.chainId, key: deps.key, memberCount: deps.memberCount, rng: deps.rng, app: deps.app,
      out: (m, to) => this.out(m, to), isolate: deps.isolate,
    });
  }

  /** Same member index as the wrapped transport (it follows the member list in force). */
  get self(): MemberIndex {
    return this.d.inner.self;
  }

  /** Delegates. */
  start(): Promise<void> {
    return this.d.inner.start();
  }

  /** Delegates. */
  stop(): Promise<void> {
    return this.d.inner.stop();
  }

  /** Delegates; a forker also votes for every proposal it receives. */
  onMessage(handler: (from: MemberIndex, channel: Channel, bytes: Uint8Array) => void): void {
    this.d.inner.onMessage((from, channel, bytes) => {
      if (channel === 'consensus' && (this.d.attacks ?? []).includes('inflateTc')) {
        try {
          this.inflate(from, decodeConsensusMessage(bytes));
        } catch {
          // Undecodable input is the honest core's business below.
        }
      }
      if (this.forker !== null && channel === 'consensus') {
        try {
          this.forker.incoming(from, decodeConsensusMessage(bytes));
        } catch {
          // Undecodable input is the honest core's business below.
        }
      }
      handler(from, channel, bytes);
    });
  }

  /** Delegates. */
  connectedPeers(): readonly MemberIndex[] {
    return this.d.inner.connectedPeers();
  }

  /** Tampers, then sends. */
  send(to: MemberIndex, channel: Channel, bytes: Uint8Array): void {
    if (this.withholds(channel, bytes)) return;
    if (channel !== 'consensus') this.d.inner.send(to, channel, bytes);
    else this.tamper(decodeConsensusMessage(bytes), to);
  }

  /** Tampers, then broadcasts. */
  broadcast(channel: Channel, bytes: Uint8Array): void {
    if (this.withholds(channel, bytes)) return;
    if (channel !== 'consensus') this.d.inner.broadcast(channel, bytes);
    else this.tamper(decodeConsensusMessage(bytes), 'all');
  }

  // The forker withholds the commit it showed one member: its block sync (the production
  // BlockSync, honest by itself) would serve that block with its certificate to everyone, so
  // it answers no sync request; it still asks its own.
  private withholds(channel: Channel, bytes: Uint8Array): boolean {
    if (this.d.behaviour !== 'forker' || channel !== 'sync') return false;
    try {
      const kind = decodeSyncMessage(bytes).kind;
      return kind === 'head' || kind === 'blocks';
    } catch {
      return false;
    }
  }

  private tamper(m: ConsensusWireMessage, to: MemberIndex | 'all'): void {
    this.act(m, to);
    const attacks = this.d.attacks ?? [];
    if (m.type === 'vote' && attacks.includes('voteFlood')) this.flood(m.data.epoch, m.data.view);
  }

  // Validly signed votes for made-up blocks, in and beyond the window of views above `view`.
  private flood(epoch: number, view: number): void {
    const n = this.d.memberCount();
    const rng = this.d.rng;
    for (let i = 0; i < FLOOD_VOTES; i++) {
      const v = view + rng.range(1, FLOOD_REACH_VIEWS);
      const noise = sha256(Uint8Array.of(i, v & 0xff, (v >> 8) & 0xff, rng.range(0, 255), rng.range(0, 255)));
      const data = { epoch, view: v, height: v, blockHash: noise, parentView: v - 1, parentHash: sha256(noise) };
      this.out({ type: 'vote', data, signature: signMessage(this.d.key, voteSigningBytes(this.d.chainId, data)) }, (v + 1) % n);
    }
  }

  // inflateTc: honest timeouts seen, by view, to forge TCs from.
  private readonly seen = new Map<number, Map<MemberIndex, { sig: TimeoutSignature; highQc: QuorumCert | null }>>();

  private inflate(from: MemberIndex, m: ConsensusWireMessage): void {
    if (m.type !== 'timeout' || from === this.self) return;
    let byMember = this.seen.get(m.view);
    if (byMember === undefined) {
      byMember = new Map();
      this.seen.set(m.view, byMember);
      for (const v of this.seen.keys()) if (v < m.view - 4) this.seen.delete(v);
    }
    const qcView = m.highQc === null ? 0 : m.highQc.data.view;
    byMember.set(from, { sig: { member: from, highQcView: qcView, signature: m.signature }, highQc: m.highQc });
    const q = quorumSize(this.d.memberCount());
    if (byMember.size !== q - 1) return;
    // Its own timeout claims a QC of the view just below: one it does not have.
    const claim = m.view - 1;
    const own = { member: this.self, highQcView: claim, signature: signMessage(this.d.key, timeoutSigningBytes(this.d.chainId, m.epoch, m.view, claim)) };
    const held = [...byMember.values()];
    let best = held[0]?.highQc ?? null;
    for (const h of held) if (h.highQc !== null && (best === null || h.highQc.data.view > best.data.view)) best = h.highQc;
    const signatures = [...held.map((h) => h.sig), own].sort((a, b) => a.member - b.member);
    this.out({ type: 'syncInfo', highQc: null, highTc: { epoch: m.epoch, view: m.view, signatures, highQc: best } }, 'all');
  }

  private out(m: ConsensusWireMessage, to: MemberIndex | 'all'): void {
    const bytes = encodeConsensusMessage(m);
    if (to === 'all') this.d.inner.broadcast('consensus', bytes);
    else this.d.inner.send(to, 'consensus', bytes);
  }

  private act(m: ConsensusWireMessage, to: MemberIndex | 'all'): void {
    switch (this.d.behaviour) {
      case 'silent':
        return;
      case 'equivocator':
        if (m.type === 'proposal') this.equivocate(m);
        else this.out(m, to);
        return;
      case 'conflicter':
        this.out(m, to);
        if (m.type === 'vote') {
          const data = { ...m.data, blockHash: sha256(m.data.blockHash) };
          this.out({ type: 'vote', data, signature: signMessage(this.d.key, voteSigningBytes(this.d.chainId, data)) }, to);
        }
        return;
      case 'invalidSigner':
        this.out(corrupt(m), to);
        return;
      case 'outdated':
        this.outdated(m, to);
        return;
      case 'forker':
        this.forker?.outgoing(m, to);
        return;
      case 'twins':
        this.out(m, to);
        return;
      case 'late':
        if (m.type === 'proposal') this.d.clock.setTimer(this.d.rng.range(LATE_MIN_MS, LATE_MAX_MS), () => this.out(m, to));
        else this.out(m, to);
        return;
      case 'gamer':
        if (m.type === 'proposal') return;
        if (m.type === 'vote' && this.votesSeen++ % GAMER_VOTE_EVERY !== 0) return;
        this.out(m, to);
        return;
    }
  }

  private sign(block: Block, tc: ProposalMessage['tc']): ProposalMessage {
    return { type: 'proposal', block, tc, signature: signMessage(this.d.key, proposalSigningBytes(this.d.chainId, blockHash(block.header))) };
  }

  private equivocate(m: ProposalMessage): void {
    const h = m.block.header;
    const salt = 1 + this.d.rng.range(0, 1000);
    const req = { epoch: h.epoch, view: h.view, height: h.height, parentHash: h.parentHash, parentQc: h.parentQc, proposer: h.proposer, timestampMs: h.timestampMs };
    whenReady(this.d.app.buildVariant(req, salt), (other) => {
      if (other === null) {
        this.out(m, 'all');
        return;
      }
      const b = this.sign(other, m.tc);
      for (let i = 0; i < this.d.memberCount(); i++) if (i !== this.self) this.out(i % 2 === 0 ? m : b, i);
      // Later, everyone sees both: a node that votes twice in a view is caught.
      this.d.clock.setTimer(this.d.rng.range(5, 300), () => {
        this.out(b, 'all');
        this.out(m, 'all');
      });
    });
  }

  private outdated(m: ConsensusWireMessage, to: MemberIndex | 'all'): void {
    this.out(m, to);
    const rng = this.d.rng;
    if (this.history.length > 0 && rng.chance(0.3)) {
      this.out(rng.pick(this.history), rng.range(0, this.d.memberCount() - 1));
    }
    if (m.type === 'timeout' && rng.chance(0.2)) {
      // Validly signed but unjustified: no certificate for the view before it.
      const view = m.view + rng.range(2, 1_000_000);
      const qcView = m.highQc === null ? 0 : m.highQc.data.view;
      const signature = signMessage(this.d.key, timeoutSigningBytes(this.d.chainId, m.epoch, view, qcView));
      this.out({ ...m, view, lastTc: null, signature }, 'all');
    }
    this.history.push(m);
    if (this.history.length > HISTORY) this.history.shift();
  }
}

function flip(sig: Uint8Array): Uint8Array {
  const out = new Uint8Array(sig);
  out[0] = (out[0] as number) ^ 0x01;
  return out;
}

function corrupt(m: ConsensusWireMessage): ConsensusWireMessage {
  switch (m.type) {
    case 'proposal':
    case 'vote':
    case 'timeout':
      return { ...m, signature: flip(m.signature) };
    default:
      return m;
  }
}
