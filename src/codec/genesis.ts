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
  // A genesis written before heartbeats (it has emptyBlockIntervalMs, and no heartbeat) keeps
  // its five fields and so its hash; a current one leaves the retired fifth at 0 and adds one.
  const params = c.emptyBlockIntervalMs !== undefined
    ? [c.viewTimeoutMs, c.maxViewTimeoutMs, c.maxBlockTxs, c.maxBlockBytes, c.emptyBlockIntervalMs]
    : [c.viewTimeoutMs, c.maxViewTimeoutMs, c.maxBlockTxs, c.maxBlockBytes, 0, c.heartbeatMinutes];
  return pack([
    g.chainId, g.genesisTimeMs,
    params,
    g.members.map((m) => [m.name, m.publicKey, m.address]),
    g.accounts.map((a) => [a.name, a.publicKey, a.role]),
  ]);
}

function consensusToJson(c: ConsensusParams): Record<string, number> {
  const { heartbeatMinutes, emptyBlockIntervalMs, ...rest } = c;
  // A genesis written before heartbeats round-trips as it was (its hash depends on it).
  return emptyBlockIntervalMs === undefined ? { ...rest, heartbeatMinutes } : { ...rest, emptyBlockIntervalMs };
}

/** The JSON form written to genesis.json (keys as hex). */
export function genesisToJson(g: Genesis): unknown {
  return {
    chainId: g.chainId,
    genesisTimeMs: g.genesisTimeMs,
    consensus: consensusToJson(g.consensus),
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

// consensus.heartbeatMinutes (0 = off, at most a day), or the retired emptyBlockIntervalMs of
// a genesis written before heartbeats: still read, so that chain keeps its hash, and unused
// (its idle chain runs without heartbeats).
function heartbeatField(c: Record<string, unknown>): Pick<ConsensusParams, 'heartbeatMinutes' | 'emptyBlockIntervalMs'> {
  const legacy = c['emptyBlockIntervalMs'];
  if (legacy === undefined) return { heartbeatMinutes: readInt(c['heartbeatMinutes'] ?? 0, 'consensus.heartbeatMinutes', 0, 1440) };
  if (c['heartbeatMinutes'] !== undefined) {
    throw new DecodeError('DECODE_BAD_FIELD', 'consensus.emptyBlockIntervalMs is retired (an idle chain writes no blocks): remove it to set heartbeatMinutes', { field: 'consensus.emptyBlockIntervalMs' });
  }
  return { heartbeatMinutes: 0, emptyBlockIntervalMs: readInt(legacy, 'consensus.emptyBlockIntervalMs', 0, 600_000) };
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
    ...heartbeatField(c),
  };
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
