import './polyfill.js';
import { generateKeyPairFromSeed, publicKeyFromRaw } from '@libp2p/crypto/keys';
import type { Ed25519PrivateKey, PeerId } from '@libp2p/interface';
import { peerIdFromPrivateKey, peerIdFromPublicKey } from '@libp2p/peer-id';
import type { PublicKey } from '../types/primitives.js';
import { LedgerError } from '../util/errors.js';

// A member's consensus key IS its libp2p identity: the same 32-byte ed25519 seed signs votes
// and authenticates the transport handshake. So every node derives every member's PeerId from
// the genesis member list alone, and the connection gater needs no extra configuration.

/** Error codes of this module. */
export type IdentityErrorCode = 'P2P_BAD_SEED' | 'P2P_BAD_PUBLIC_KEY';

/** A seed or public key of the wrong shape. */
export class IdentityError extends LedgerError<IdentityErrorCode> {}

/** A node's libp2p identity: the private key libp2p signs handshakes with, and its PeerId. */
export interface P2pIdentity {
  readonly privateKey: Ed25519PrivateKey;
  readonly peerId: PeerId;
}

/** Derives the libp2p private key and PeerId from a member's 32-byte ed25519 seed. */
export async function identityFromSeed(seed: Uint8Array): Promise<P2pIdentity> {
  if (seed.length !== 32) throw new IdentityError('P2P_BAD_SEED', 'ed25519 seed must be 32 bytes', { length: seed.length });
  const privateKey = await generateKeyPairFromSeed('Ed25519', seed);
  return { privateKey, peerId: peerIdFromPrivateKey(privateKey) };
}

/** The PeerId of a member's raw 32-byte ed25519 public key. */
export function peerIdOfPublicKey(publicKey: PublicKey): PeerId {
  if (publicKey.length !== 32) {
    throw new IdentityError('P2P_BAD_PUBLIC_KEY', 'ed25519 public key must be 32 bytes', { length: publicKey.length });
  }
  return peerIdFromPublicKey(publicKeyFromRaw(publicKey));
}

/** The PeerId string (base58btc, "12D3KooW…") of a member's raw ed25519 public key. */
export function peerIdStringOf(publicKey: PublicKey): string {
  return peerIdOfPublicKey(publicKey).toString();
}
