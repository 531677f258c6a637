import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import type { PeerId } from '@libp2p/interface';
import type { Channel } from '../types/edges.js';
import type { Member } from '../types/genesis.js';
import type { MemberIndex } from '../types/primitives.js';
import { LedgerError } from '../util/errors.js';
import { peerIdOfPublicKey } from './identity.js';
import type { OutboundLane } from './outbound-lane.js';
import type { DisconnectReason } from './transport-opts.js';

/** Error codes of member-list checks. */
export type PeerTableErrorCode = 'P2P_BAD_ADDRESS' | 'P2P_DUPLICATE_MEMBER';

/** A member list the transport cannot use (bad multiaddr, same key twice). */
export class PeerTableError extends LedgerError<PeerTableErrorCode> {}

/** Keep-alive dial state of one peer. */
export interface PeerLink {
  failures: number;
  dialing: boolean;
  /** When the current connection opened (0 while none): a connection cut at once is a failed attempt. */
  connectedAtMs: number;
  timer: ReturnType<typeof setTimeout> | null;
  /** Set when the peer left the member list or the transport stopped. */
  retired: boolean;
  /** Connections cut right after the handshake since the last healthy one (logged at debug only). */
  cutStreak: number;
  /** Why the current connection closed, learnt before libp2p reports the peer gone. */
  closeReason: { readonly reason: DisconnectReason; readonly detail: string } | null;
  /** When the last healthy connection ended (0: never connected yet). */
  downSinceMs: number;
}

/** One remote member as the transport sees it. Keyed by PeerId string, which survives reindexing. */
export interface PeerEntry {
  readonly index: MemberIndex;
  /** The member's name in genesis: what logs and metric labels show. */
  readonly name: string;
  readonly key: string;
  readonly peerId: PeerId;
  /** Dial address, ending in /p2p/<PeerId> so libp2p checks the remote identity. */
  readonly address: Multiaddr;
  readonly lanes: Readonly<Record<Channel, OutboundLane>>;
  readonly link: PeerLink;
}

/**
 * Builds the peer table of a member list, without self. Members already in `previous` keep
 * their lanes and link (queued messages survive a reindex); new ones get lanes from makeLanes.
 * Throws PeerTableError before anything is created if an address or key is unusable.
 */
export function buildPeerTable(
  members: readonly Member[],
  self: MemberIndex,
  previous: ReadonlyMap<string, PeerEntry>,
  makeLanes: (peerId: PeerId, key: string, name: string) => Record<Channel, OutboundLane>,
): Map<string, PeerEntry> {
  const parsed: { index: MemberIndex; name: string; peerId: PeerId; key: string; address: Multiaddr }[] = [];
  const seen = new Set<string>();
  members.forEach((member, index) => {
    const peerId = peerIdOfPublicKey(member.publicKey);
    const key = peerId.toString();
    if (seen.has(key)) throw new PeerTableError('P2P_DUPLICATE_MEMBER', 'two members share one public key', { index });
    seen.add(key);
    if (index !== self) parsed.push({ index, name: member.name, peerId, key, address: dialAddress(member, key, index) });
  });
  const table = new Map<string, PeerEntry>();
  for (const p of parsed) {
    const kept = previous.get(p.key);
    table.set(p.key, {
      ...p,
      lanes: kept?.lanes ?? makeLanes(p.peerId, p.key, p.name),
      link: kept?.link ?? { failures: 0, dialing: false, connectedAtMs: 0, timer: null, retired: false, cutStreak: 0, closeReason: null, downSinceMs: 0 },
    });
  }
  return table;
}

function dialAddress(member: Member, key: string, index: MemberIndex): Multiaddr {
  let ma: Multiaddr;
  try {
    ma = multiaddr(member.address);
  } catch {
    throw new PeerTableError('P2P_BAD_ADDRESS', 'member address is not a multiaddr; fix it in genesis', { index });
  }
  const named = ma.getComponents().find((c) => c.name === 'p2p')?.value;
  if (named === undefined) return ma.encapsulate(`/p2p/${key}`);
  if (named !== key) {
    throw new PeerTableError('P2P_BAD_ADDRESS', 'member address names another PeerId than its public key', { index });
  }
  return ma;
}
