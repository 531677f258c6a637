/**
 * @packageDocumentation
 * The member network: the Transport edge (src/types/edges.ts) over libp2p 3 — tcp, yamux and
 * a TLS 1.3 encrypter (noise selectable; the choice is measured in bench/p2p.bench.ts).
 *
 * Entry points: `Libp2pTransport` (start/stop, send/broadcast, onMessage, connectedPeers,
 * onPeerChange, updateMembers, stats) and the identity helpers `identityFromSeed` /
 * `peerIdStringOf`, which map a member's ed25519 key to its libp2p PeerId, so the genesis
 * member list alone tells every node whom to admit.
 *
 * Invariants:
 *  - Only current members are heard: MemberGater refuses other PeerIds after the handshake,
 *    inbound streams re-check membership, and updateMembers hangs up removed members.
 *  - send() never blocks or throws; each (peer, channel) has one bounded queue (drop-oldest,
 *    counted) feeding one long-lived stream, so messages from one sender to one receiver
 *    arrive in order or not at all, and memory stays bounded while a peer is down.
 *  - Inbound frames are bounded per channel (4 MiB consensus, 64 MiB batches/sync) before any
 *    allocation; an offender's connection is dropped.
 *  - Reconnection uses a capped exponential back-off, cut short when the peer connects to us.
 *  - stop() awaits every stream, dial and listener: nothing keeps the process alive.
 *  - polyfill.ts (Promise.withResolvers for Node 20) is imported before libp2p.
 *
 * Tests: test/unit/p2p (framing, queue, lane over an in-memory stream pair, identity, gater,
 * peer table), test/compliance/transport.suite.ts (the Transport contract on real sockets),
 * test/e2e/p2p-gating.test.ts (a stranger process, member removal) and
 * test/e2e/p2p-teardown.test.ts (kill -9 of a peer process, reconnection).
 */
export {
  DEFAULT_ENCRYPTER, Libp2pTransport, TransportConfigError,
  type Encrypter, type Libp2pTransportDeps, type Libp2pTransportOpts, type TransportErrorCode, type TransportStats,
} from './libp2p-transport.js';
export { identityFromSeed, IdentityError, peerIdOfPublicKey, peerIdStringOf, type P2pIdentity } from './identity.js';
export { PeerTableError } from './peer-table.js';
export { FrameError } from './frame-decoder.js';
export { CHANNELS, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_QUEUE_LIMITS, protocolOf, type QueueLimits } from './channels.js';
export type { P2pLogger } from './logger.js';
