import { encodeGenesis } from '../codec/genesis.js';
import { sha256 } from '../crypto/hash.js';
import { StateTree } from '../crypto/smt.js';
import type { Genesis } from '../types/genesis.js';
import type { Hash } from '../types/primitives.js';
import { toHex, utf8 } from '../util/bytes.js';
import { OperationalError } from '../util/errors.js';
import { accountKey, MEMBERS_KEY, publicKeyKey } from './contracts/accounts/keys.js';
import { encodeAccount, encodeKeyEntry, encodeMembers } from './contracts/accounts/types.js';

/** The state at height 0 and the writes that built it (for persistence). */
export interface GenesisState {
  readonly state: StateTree;
  readonly writes: readonly [Uint8Array, Uint8Array][];
}

/**
 * Builds the height-0 state: every member as an account with role `member` (id = its key's
 * hex), every genesis account, and the member list under 'members'. Nonces start at 0.
 * Throws OperationalError GENESIS_INVALID for a key used twice or an account with role
 * member (genesisFromJson lets both through).
 */
export function buildGenesisState(genesis: Genesis): GenesisState {
  const writes: [Uint8Array, Uint8Array][] = [];
  const seen = new Set<string>();
  const add = (publicKey: Uint8Array, name: string, role: 'member' | Genesis['accounts'][number]['role']): void => {
    const id = toHex(publicKey);
    if (seen.has(id)) throw new OperationalError('GENESIS_INVALID', `genesis lists public key ${id} twice; give every member and account its own key`);
    seen.add(id);
    writes.push([utf8(accountKey(id)), encodeAccount({ id, publicKey: id, name, role, nextNonce: 0 })]);
    writes.push([utf8(publicKeyKey(id)), encodeKeyEntry({ accountId: id, active: true })]);
  };
  for (const m of genesis.members) add(m.publicKey, m.name, 'member');
  for (const a of genesis.accounts) {
    if (a.role === 'member') {
      throw new OperationalError('GENESIS_INVALID', `genesis account ${a.name} has role member; list validators under "members" instead`);
    }
    add(a.publicKey, a.name, a.role);
  }
  writes.push([utf8(MEMBERS_KEY), encodeMembers(genesis.members)]);
  return { state: StateTree.fromEntries(writes), writes };
}

/** The chain identity: sha256(encodeGenesis(genesis)). */
export function genesisHash(genesis: Genesis): Hash {
  return sha256(encodeGenesis(genesis));
}
