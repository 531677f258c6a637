import { constants } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { multiaddr } from '@multiformats/multiaddr';
import { genesisFromJson, genesisToJson } from '../codec/genesis.js';
import { CHAIN_ID_RE } from '../codec/tx.js';
import { isValidPublicKey } from '../crypto/ed25519.js';
import { buildGenesisState, genesisHash } from '../state/genesis-state.js';
import type { ConsensusParams, Genesis, GenesisAccount, Member } from '../types/genesis.js';
import { ROLES, type Role } from '../types/primitives.js';
import { fromHex, toHex } from '../util/bytes.js';
import { LedgerError, OperationalError } from '../util/errors.js';
import { DEFAULT_CONSENSUS, hostMultiaddr } from './init-consortium.js';

// The genesis ceremony (docker/RUNBOOK.md): every member makes its own key with `ledger
// keygen` and sends name, public key and p2p address; one coordinator turns what was sent
// into genesis.json (`ledger genesis`) and everyone checks its hash (`ledger genesis-hash`).
// No private key ever leaves its member's machine.

/** What the coordinator typed was wrong; the message says which value and why. */
export class GenesisInputError extends LedgerError<'GENESIS_INPUT'> {
  constructor(message: string) {
    super('GENESIS_INPUT', message);
    this.name = 'GenesisInputError';
  }
}

const NAME_RE = /^[A-Za-z0-9._-]{1,64}$/;
const HOST_RE = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
const IPV4_RE = /^\d{1,3}(\.\d{1,3}){3}$/;
const ACCOUNT_ROLES = ROLES.filter((r) => r !== 'member');
const HOST_KINDS = new Set(['ip4', 'ip6', 'dns', 'dns4', 'dns6']);

function checkName(name: string, what: string): string {
  if (!NAME_RE.test(name)) throw new GenesisInputError(`${what}: name "${name}" may hold only letters, digits, '.', '_' and '-' (1-64 characters)`);
  return name;
}

/** A public key as `ledger keygen` prints it (64 hex characters, optionally 0x-prefixed). */
export function parsePublicKey(hex: string, what: string): Uint8Array {
  const clean = hex.trim().replace(/^0x/i, '');
  const bytes = /^[0-9a-fA-F]{64}$/.test(clean) ? fromHex(clean.toLowerCase()) : null;
  if (bytes === null) throw new GenesisInputError(`${what}: "${hex}" is not a public key; expected the 64 hex characters "ledger keygen" printed`);
  if (!isValidPublicKey(bytes)) throw new GenesisInputError(`${what}: ${clean} is not a valid ed25519 public key; ask for the line "ledger keygen" printed again`);
  return bytes;
}

function checkPort(port: string, what: string): number {
  const n = /^\d{1,5}$/.test(port) ? Number(port) : NaN;
  if (!(n >= 1 && n <= 65535)) throw new GenesisInputError(`${what}: port "${port}" must be an integer in [1, 65535]`);
  return n;
}

/**
 * The p2p address other members dial, as a multiaddr: HOST:PORT (a DNS name, an IPv4
 * address or [IPv6]:PORT) or a multiaddr /ip4|ip6|dns|dns4|dns6/HOST/tcp/PORT as is.
 * Wildcard addresses are refused: nobody can dial 0.0.0.0.
 */
export function parseAddress(address: string, what: string): string {
  let kind: string;
  let host: string;
  let result: string;
  if (address.startsWith('/')) {
    let parts: { name: string; value?: string | undefined }[];
    try {
      parts = multiaddr(address).getComponents();
    } catch (e) {
      throw new GenesisInputError(`${what}: "${address}" is not a multiaddr: ${(e as Error).message}`);
    }
    const [h, t] = parts;
    if (parts.length !== 2 || h === undefined || t === undefined || !HOST_KINDS.has(h.name) || t.name !== 'tcp') {
      throw new GenesisInputError(`${what}: "${address}" must be /ip4|ip6|dns4|dns6/HOST/tcp/PORT (or give HOST:PORT)`);
    }
    checkPort(t.value ?? '', what);
    kind = h.name;
    host = h.value ?? '';
    result = address;
  } else {
    const m = /^\[([0-9a-fA-F:.]+)\]:([^:]*)$/.exec(address) ?? /^([^:[\]]+):([^:]*)$/.exec(address);
    if (m === null) throw new GenesisInputError(`${what}: "${address}" is not HOST:PORT (e.g. ledger.bank-a.example:9080, 10.0.0.5:9080, [fd00::5]:9080) nor a multiaddr`);
    host = m[1] as string;
    const port = checkPort(m[2] as string, what);
    kind = host.includes(':') ? 'ip6' : IPV4_RE.test(host) ? 'ip4' : 'dns4';
    if (kind === 'dns4' && !HOST_RE.test(host)) throw new GenesisInputError(`${what}: "${host}" is not a host name or IP address`);
    result = hostMultiaddr(host, port);
  }
  if (kind === 'ip4' && (host === '0.0.0.0' || !IPV4_RE.test(host) || host.split('.').some((o) => Number(o) > 255))) {
    throw new GenesisInputError(`${what}: "${host}" is not an address other members can dial`);
  }
  if (kind === 'ip6' && /^[0:]*$/.test(host)) throw new GenesisInputError(`${what}: "${host}" is not an address other members can dial`);
  // Round-trip through the parser libp2p uses, so the node accepts what is written.
  try {
    multiaddr(result);
  } catch (e) {
    throw new GenesisInputError(`${what}: "${address}" is not a valid address: ${(e as Error).message}`);
  }
  return result;
}

/** `NAME=PUBKEY@ADDRESS`, what a member sends the coordinator. */
export function parseMemberSpec(spec: string): Member {
  const what = `--member ${spec}`;
  const m = /^([^=]*)=([^@]*)@(.*)$/.exec(spec);
  if (m === null) throw new GenesisInputError(`${what}: expected NAME=PUBKEY@HOST:PORT (or NAME=PUBKEY@/dns4/HOST/tcp/PORT)`);
  return { name: checkName(m[1] as string, what), publicKey: parsePublicKey(m[2] as string, what), address: parseAddress(m[3] as string, what) };
}

/** `NAME=PUBKEY:ROLE`, an account that exists from the first block (role not member). */
export function parseAccountSpec(spec: string): GenesisAccount {
  const what = `--account ${spec}`;
  const m = /^([^=]*)=([^:]*):(.*)$/.exec(spec);
  if (m === null) throw new GenesisInputError(`${what}: expected NAME=PUBKEY:ROLE with ROLE one of ${ACCOUNT_ROLES.join(', ')}`);
  const role = m[3] as string;
  if (role === 'member') throw new GenesisInputError(`${what}: members are validators; give them with --member NAME=PUBKEY@HOST:PORT`);
  if (!(ACCOUNT_ROLES as readonly string[]).includes(role)) throw new GenesisInputError(`${what}: role "${role}" is not one of ${ACCOUNT_ROLES.join(', ')}`);
  return { name: checkName(m[1] as string, what), publicKey: parsePublicKey(m[2] as string, what), role: role as Role };
}

/** The default consensus parameters with `KEY=VALUE` overrides (integers, keys of ConsensusParams). */
export function consensusWith(overrides: readonly string[]): ConsensusParams {
  const params: Record<string, number> = { ...DEFAULT_CONSENSUS };
  for (const o of overrides) {
    const m = /^([A-Za-z]+)=(\d{1,15})$/.exec(o);
    if (m === null) throw new GenesisInputError(`--consensus ${o}: expected KEY=INTEGER, e.g. viewTimeoutMs=3000`);
    const k = m[1] as string;
    if (!(k in DEFAULT_CONSENSUS)) throw new GenesisInputError(`--consensus ${o}: unknown key "${k}"; keys: ${Object.keys(DEFAULT_CONSENSUS).join(', ')}`);
    params[k] = Number(m[2]);
  }
  return params as unknown as ConsensusParams;
}

/** What the coordinator collected: exactly a genesis (members in leader-rotation order). */
export type CeremonyInput = Genesis;

function firstDuplicate(values: readonly string[]): string | null {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) return v;
    seen.add(v);
  }
  return null;
}

/**
 * Builds and checks the genesis the way every node will read it (genesisFromJson and the
 * height-0 state), so a file the coordinator hands out is one every member can start from.
 */
export function buildCeremonyGenesis(input: CeremonyInput): { genesis: Genesis; hash: Uint8Array } {
  if (!CHAIN_ID_RE.test(input.chainId)) throw new GenesisInputError(`--chain-id "${input.chainId}" may hold only letters, digits, '.', '_', ':' and '-' (1-64 characters)`);
  if (input.members.length === 0) throw new GenesisInputError('give at least one --member NAME=PUBKEY@HOST:PORT');
  const dupName = firstDuplicate([...input.members.map((m) => m.name), ...input.accounts.map((a) => a.name)]);
  if (dupName !== null) throw new GenesisInputError(`the name "${dupName}" is given twice; every member and account needs its own name`);
  const dupKey = firstDuplicate([...input.members.map((m) => toHex(m.publicKey)), ...input.accounts.map((a) => toHex(a.publicKey))]);
  if (dupKey !== null) throw new GenesisInputError(`the public key ${dupKey} is given twice; every member and account makes its own key with "ledger keygen"`);
  const dupAddress = firstDuplicate(input.members.map((m) => m.address));
  if (dupAddress !== null) throw new GenesisInputError(`two members give the address ${dupAddress}; each member needs its own host or port`);
  const genesis: Genesis = { ...input, members: [...input.members], accounts: [...input.accounts] };
  try {
    buildGenesisState(genesisFromJson(genesisToJson(genesis)));
  } catch (e) {
    if (e instanceof LedgerError) throw new GenesisInputError(`the genesis would not load: ${e.message}`);
    throw e;
  }
  return { genesis, hash: genesisHash(genesis) };
}

/** Writes genesis.json (refusing to overwrite unless `force`: a member may already hold it). */
export async function writeGenesisFile(path: string, genesis: Genesis, force: boolean): Promise<void> {
  const text = JSON.stringify(genesisToJson(genesis), null, 2) + '\n';
  try {
    await writeFile(path, text, { flag: force ? 'w' : constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new OperationalError('GENESIS_EXISTS', `${path} exists; pass --force to overwrite it (members who already hold it must then check the new hash)`);
    throw new OperationalError('GENESIS_UNWRITABLE', `cannot write ${path}: ${(e as Error).message}`);
  }
}

/** Reads and checks a genesis file as a node would; returns it with its hash. */
export async function readGenesisFile(path: string): Promise<{ genesis: Genesis; hash: Uint8Array }> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new OperationalError('GENESIS_UNREADABLE', `cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    const genesis = genesisFromJson(json);
    buildGenesisState(genesis);
    return { genesis, hash: genesisHash(genesis) };
  } catch (e) {
    if (e instanceof LedgerError) throw new OperationalError('GENESIS_INVALID', `${path} is not a valid genesis: ${e.message}`);
    throw e;
  }
}

/** Faulty members n members tolerate (n >= 3f + 1). */
export function faultsTolerated(n: number): number {
  return Math.floor((n - 1) / 3);
}
