import type { ConnectionGater, PeerId } from '@libp2p/interface';

/**
 * Connection gater that admits only the PeerIds of current members (an allow-list, replaced
 * at run time by setAllowed). With TLS or Noise the remote identity is known only at the end
 * of the handshake, so a stranger's TCP connect and handshake succeed and the connection is
 * then refused (denyInboundEncryptedConnection): its dial may resolve, its first stream fails.
 * We also refuse to dial strangers, and re-check at the upgraded stage so that a member removed
 * during a handshake is not admitted.
 */
export class MemberGater implements ConnectionGater {
  private allowed: ReadonlySet<string>;
  /** Connections refused after the handshake, since start. */
  refused = 0;

  constructor(allowed: Iterable<string>) {
    this.allowed = new Set(allowed);
  }

  /** Replaces the allow-list (PeerId strings). Existing connections are not touched here. */
  setAllowed(allowed: Iterable<string>): void {
    this.allowed = new Set(allowed);
  }

  /** True when the PeerId string is on the allow-list. */
  isAllowed(peer: string): boolean {
    return this.allowed.has(peer);
  }

  private deny(peerId: PeerId): boolean {
    const denied = !this.allowed.has(peerId.toString());
    if (denied) this.refused++;
    return denied;
  }

  /** Never dial a non-member. */
  denyDialPeer(peerId: PeerId): boolean {
    return !this.allowed.has(peerId.toString());
  }

  /** Inbound: refuse after the handshake reveals a non-member identity. */
  denyInboundEncryptedConnection(peerId: PeerId): boolean {
    return this.deny(peerId);
  }

  /** Outbound: refuse if the remote proves to be a non-member. */
  denyOutboundEncryptedConnection(peerId: PeerId): boolean {
    return this.deny(peerId);
  }

  /** Re-checked after muxer negotiation, in case the list changed during the handshake. */
  denyInboundUpgradedConnection(peerId: PeerId): boolean {
    return this.deny(peerId);
  }

  /** Re-checked after muxer negotiation, in case the list changed during the handshake. */
  denyOutboundUpgradedConnection(peerId: PeerId): boolean {
    return this.deny(peerId);
  }
}
