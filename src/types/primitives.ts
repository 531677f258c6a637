/** Raw bytes. */
export type Bytes = Uint8Array;
/** A 32-byte sha256 digest. */
export type Hash = Uint8Array;
/** A 32-byte raw ed25519 public key. */
export type PublicKey = Uint8Array;
/** A 64-byte ed25519 signature. */
export type Signature = Uint8Array;
/** Block height; genesis state is height 0, the first block is height 1. */
export type Height = number;
/** Consensus view number (never called "round"; see docs/protocol.md). */
export type View = number;
/** Position of a member in the member list in force at a height. */
export type MemberIndex = number;

/** Account roles (docs/transactions.md, Roles). */
export const ROLES = ['member', 'integrator', 'auditor', 'regulator'] as const;
/** One of ROLES. */
export type Role = (typeof ROLES)[number];

/** Payload values allowed in a transaction: JSON without floats. Integers must be safe. */
export type PayloadValue =
  | string
  | number
  | boolean
  | null
  | readonly PayloadValue[]
  | { readonly [key: string]: PayloadValue };

/** A payload object (the top level of every transaction payload). */
export type Payload = { readonly [key: string]: PayloadValue };
