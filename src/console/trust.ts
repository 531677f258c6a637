import { genesisFromJson, encodeGenesis } from '../codec/genesis.js';
import { sha256 } from '../crypto/hash.js';
import type { MemberKey } from '../client/verify.js';
import type { Genesis } from '../types/genesis.js';
import { toHex } from '../util/bytes.js';

// The genesis the auditor pins is the console's only root of trust: its members check every
// certificate, its chain id every header. The node's own /v1/genesis is used only when the
// auditor pinned a hash, and then only if it hashes to that hash.

/** A pinned genesis: the file and its hash (sha256 of its canonical encoding). */
export interface Trust {
  readonly genesis: Genesis;
  readonly hash: string;
  readonly chainId: string;
  /** The member set certificates are checked against. */
  readonly members: readonly MemberKey[];
}

/** Why a pin was refused. */
export class TrustError extends Error {}

/** Hash of a genesis as `ledger init` prints it and member configs record it. */
export function genesisHashHex(g: Genesis): string {
  return toHex(sha256(encodeGenesis(g)));
}

/** Pins a genesis file's JSON text; `expectedHash`, when given, must match it. */
export function pinGenesis(json: unknown, expectedHash?: string): Trust {
  let genesis: Genesis;
  try {
    genesis = genesisFromJson(json);
  } catch (e) {
    throw new TrustError(`not a genesis file: ${(e as Error).message}`);
  }
  const hash = genesisHashHex(genesis);
  if (expectedHash !== undefined && hash !== expectedHash.trim().toLowerCase()) {
    throw new TrustError(`the genesis hashes to ${hash}, not to the pinned ${expectedHash.trim()}`);
  }
  return { genesis, hash, chainId: genesis.chainId, members: genesis.members };
}

/** A pasted 64-hex genesis hash, or null when the text is not one. */
export function asGenesisHash(text: string): string | null {
  const t = text.trim().toLowerCase();
  return /^[0-9a-f]{64}$/.test(t) ? t : null;
}
