import { encodeGenesis } from '../codec/genesis.js';
import { sha256 } from '../crypto/hash.js';
import { StateTree } from '../crypto/smt.js';
import type { Genesis } from '../types/genesis.js';
import type { Hash } from '../types/primitives.js';
import { toHex, utf8 } from '../util/bytes.js';
import { invariant } from '../util/errors.js';
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
 */
export function buildGenesisState(genesis: Genesis): GenesisState {
  const writes: [Uint8Array, Uint8Array][] = [];
  const seen = new Set<string>();
  const add = (publicKey: Uint8Array, name: string, role: 'member' | Genesis['accounts'][number]['role']): void => {
    const id = toHex(publicKey);
    invariant(!seen.has(id), 'genesis public keys are unique (genesisFromJson checks)');
    seen.add(id);
    writes.push([utf8(accountKey(id)), encodeAccount({ id, publicKey: id, name, role, nextNonce: 0 })]);
    writes.push([utf8(publicKeyKey(id)), encodeKeyEntry({ accountId: id, active: true })]);
  };
  for (const m of genesis.members) add(m.publicKey, m.name, 'member');
  for (const a of genesis.accounts) {
    invariant(a.role !== 'member', 'genesis members are listed under members, not accounts');
    add(a.publicKey, a.name, a.role);
  }
  writes.push([utf8(MEMBERS_KEY), encodeMembers(genesis.members)]);
  return { state: StateTree.fromEntries(writes), writes };
}

/** The chain identity: sha256(encodeGenesis(genesis)). */
export function genesisHash(genesis: Genesis): Hash {
  return sha256(encodeGenesis(genesis));
}
