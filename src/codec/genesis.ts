import type { Genesis, GenesisAccount, Member, ConsensusParams } from '../types/genesis.js';
import { ROLES, type Role } from '../types/primitives.js';
import { fromHex, toHex } from '../util/bytes.js';
import { DecodeError } from './errors.js';
import { pack } from './msgpack.js';
import { readArray, readInt, readString } from './read.js';
import { CHAIN_ID_RE } from './tx.js';

const NAME_RE = /^[A-Za-z0-9._-]{1,64}$/;

/** Canonical bytes of a genesis; sha256 of these is the genesis hash (part of chain identity). */
export function encodeGenesis(g: Genesis): Uint8Array {
  const c = g.consensus;
  return pack([
    g.chainId, g.genesisTimeMs,
    [c.viewTimeoutMs, c.maxViewTimeoutMs, c.maxBlockTxs, c.maxBlockBytes, c.emptyBlockIntervalMs],
    g.members.map((m) => [m.name, m.publicKey, m.address]),
    g.accounts.map((a) => [a.name, a.publicKey, a.role]),
  ]);
}

/** The JSON form written to genesis.json (keys as hex). */
export function genesisToJson(g: Genesis): unknown {
  return {
    chainId: g.chainId,
    genesisTimeMs: g.genesisTimeMs,
    consensus: { ...g.consensus },
    members: g.members.map((m) => ({ name: m.name, publicKey: toHex(m.publicKey), address: m.address })),
    accounts: g.accounts.map((a) => ({ name: a.name, publicKey: toHex(a.publicKey), role: a.role })),
  };
}

function obj(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new DecodeError('DECODE_BAD_FIELD', `${field}: expected object`, { field });
  return v as Record<string, unknown>;
}

function key(v: unknown, field: string): Uint8Array {
  const b = typeof v === 'string' ? fromHex(v) : null;
  if (b === null || b.length !== 32) throw new DecodeError('DECODE_BAD_FIELD', `${field}: expected 32-byte hex key`, { field });
  return b;
}

/** Parses and validates genesis JSON; throws DecodeError naming the bad field. */
export function genesisFromJson(json: unknown): Genesis {
  const g = obj(json, 'genesis');
  const c = obj(g['consensus'], 'consensus');
  const consensus: ConsensusParams = {
    viewTimeoutMs: readInt(c['viewTimeoutMs'], 'consensus.viewTimeoutMs', 10, 600_000),
    maxViewTimeoutMs: readInt(c['maxViewTimeoutMs'], 'consensus.maxViewTimeoutMs', 10, 3_600_000),
    maxBlockTxs: readInt(c['maxBlockTxs'], 'consensus.maxBlockTxs', 1, 20_000),
    maxBlockBytes: readInt(c['maxBlockBytes'], 'consensus.maxBlockBytes', 1024, 64 * 1024 * 1024),
    emptyBlockIntervalMs: readInt(c['emptyBlockIntervalMs'], 'consensus.emptyBlockIntervalMs', 0, 600_000),
  };
  if (consensus.emptyBlockIntervalMs * 2 > consensus.viewTimeoutMs) {
    // An idle leader waits this long before proposing; followers must not time out first.
    throw new DecodeError('DECODE_BAD_FIELD', 'consensus.emptyBlockIntervalMs must be at most half of viewTimeoutMs', { field: 'consensus.emptyBlockIntervalMs' });
  }
  if (consensus.maxViewTimeoutMs < consensus.viewTimeoutMs) {
    throw new DecodeError('DECODE_BAD_FIELD', 'consensus.maxViewTimeoutMs must be at least viewTimeoutMs', { field: 'consensus.maxViewTimeoutMs' });
  }
  const members: Member[] = readArray(g['members'], 'members', 256).map((m, i) => {
    const o = obj(m, `members[${i}]`);
    return {
      name: readString(o['name'], `members[${i}].name`, 64, NAME_RE),
      publicKey: key(o['publicKey'], `members[${i}].publicKey`),
      address: readString(o['address'], `members[${i}].address`, 256),
    };
  });
  if (members.length === 0) throw new DecodeError('DECODE_BAD_FIELD', 'members: at least one member', { field: 'members' });
  const accounts: GenesisAccount[] = readArray(g['accounts'] ?? [], 'accounts', 10_000).map((a, i) => {
    const o = obj(a, `accounts[${i}]`);
    const role = o['role'];
    if (!ROLES.includes(role as Role)) throw new DecodeError('DECODE_BAD_FIELD', `accounts[${i}].role: unknown role`, { field: 'role' });
    return {
      name: readString(o['name'], `accounts[${i}].name`, 64, NAME_RE),
      publicKey: key(o['publicKey'], `accounts[${i}].publicKey`),
      role: role as Role,
    };
  });
  const seen = new Set<string>();
  for (const pk of [...members.map((m) => m.publicKey), ...accounts.map((a) => a.publicKey)]) {
    const h = toHex(pk);
    if (seen.has(h)) throw new DecodeError('DECODE_BAD_FIELD', 'duplicate public key in genesis', { field: 'publicKey' });
    seen.add(h);
  }
  return {
    chainId: readString(g['chainId'], 'chainId', 64, CHAIN_ID_RE),
    genesisTimeMs: readInt(g['genesisTimeMs'], 'genesisTimeMs'),
    consensus,
    members,
    accounts,
  };
}
