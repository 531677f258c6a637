import { constants } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { multiaddr } from '@multiformats/multiaddr';
import { fromHex, toHex } from '../util/bytes.js';
import { OperationalError } from '../util/errors.js';
import { loadNodeConfig, type NodeConfig } from './config.js';
import { readGenesisFile } from './genesis-ceremony.js';

// One member's config file, written on its own machine from the genesis it checked and the
// key it made (`ledger init --genesis ... --key ...`): the name comes from the genesis entry
// holding that key, the p2p port from that entry's address, so nothing is typed twice.

/** Options of `ledger init --genesis`. */
export interface MemberConfigOpts {
  readonly genesisFile: string;
  readonly keyFile: string;
  /** Where to write the config; paths in it are relative to its folder. */
  readonly out: string;
  /** Needed only for a key not in genesis (a member to be voted in later); must match otherwise. */
  readonly name?: string;
  /** Default: `data` next to the config file. */
  readonly dataDir?: string;
  readonly apiHost?: string;
  readonly apiPort?: number;
  readonly p2pListen?: string;
  readonly force: boolean;
}

/** What was written. */
export interface MemberConfigResult {
  readonly name: string;
  /** Position in the genesis member list, or null for a key that is not a genesis member. */
  readonly index: number | null;
  readonly members: number;
  readonly publicKey: string;
  readonly genesisHash: string;
  readonly configFile: string;
  readonly config: NodeConfig;
}

/**
 * The public key of a key file, read without touching the secret part (which may be
 * encrypted): only `publicKey` is needed to find the member.
 */
async function publicKeyOf(path: string): Promise<string> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new OperationalError('KEY_FILE_UNREADABLE', `cannot read key file ${path}: ${(e as Error).message}`);
  }
  const pk = (json as { publicKey?: unknown } | null)?.publicKey;
  const bytes = typeof pk === 'string' ? fromHex(pk) : null;
  if (bytes === null || bytes.length !== 32) throw new OperationalError('KEY_FILE_INVALID', `${path} holds no public key; make the key with "ledger keygen --out FILE"`);
  return toHex(bytes);
}

/** The TCP port of a member address (/…/tcp/PORT). */
function portOf(address: string): number | null {
  try {
    const tcp = multiaddr(address).getComponents().find((c) => c.name === 'tcp');
    return tcp?.value === undefined ? null : Number(tcp.value);
  } catch {
    return null;
  }
}

/** Writes one member's config after checking its key against the genesis. */
export async function writeMemberConfig(opts: MemberConfigOpts): Promise<MemberConfigResult> {
  const { genesis, hash } = await readGenesisFile(opts.genesisFile);
  const publicKey = await publicKeyOf(opts.keyFile);
  const index = genesis.members.findIndex((m) => toHex(m.publicKey) === publicKey);
  const entry = index < 0 ? undefined : genesis.members[index];
  if (entry !== undefined && opts.name !== undefined && opts.name !== entry.name) {
    throw new OperationalError('MEMBER_NAME_MISMATCH', `${opts.genesisFile} lists your key ${publicKey} as "${entry.name}", not "${opts.name}"; drop --name or fix it`);
  }
  const byName = opts.name === undefined ? undefined : genesis.members.find((m) => m.name === opts.name);
  if (entry === undefined && byName !== undefined) {
    throw new OperationalError('MEMBER_KEY_MISMATCH', `${opts.genesisFile} lists "${byName.name}" with key ${toHex(byName.publicKey)}, but ${opts.keyFile} holds ${publicKey}; use the key file you sent the coordinator`);
  }
  if (entry === undefined && opts.name === undefined) {
    const names = genesis.members.map((m) => m.name).join(', ');
    throw new OperationalError('MEMBER_NOT_IN_GENESIS', `${opts.keyFile} (public key ${publicKey}) is not a member in ${opts.genesisFile} (members: ${names}); use the key you sent the coordinator, or give --name for a member that will be voted in later`);
  }
  if (opts.p2pListen !== undefined) {
    try {
      multiaddr(opts.p2pListen);
    } catch (e) {
      throw new OperationalError('CONFIG_INVALID', `--p2p-listen "${opts.p2pListen}" is not a multiaddr (e.g. /ip4/0.0.0.0/tcp/9080): ${(e as Error).message}`);
    }
  }
  const name = entry?.name ?? (opts.name as string);
  const port = entry === undefined ? null : portOf(entry.address);
  const loopback = entry !== undefined && /^\/ip4\/127\./.test(entry.address);
  const out = resolve(opts.out);
  const base = dirname(out);
  const rel = (p: string): string => relative(base, resolve(p)) || '.';
  const config = {
    name,
    keyFile: rel(opts.keyFile),
    genesisFile: rel(opts.genesisFile),
    dataDir: opts.dataDir === undefined ? 'data' : rel(opts.dataDir),
    p2pListen: opts.p2pListen ?? `/ip4/${loopback ? '127.0.0.1' : '0.0.0.0'}/tcp/${port ?? 9080}`,
    // The REST API stays on this machine unless asked: expose it through a TLS proxy.
    apiHost: opts.apiHost ?? '127.0.0.1',
    apiPort: opts.apiPort ?? 8080,
  };
  try {
    await writeFile(out, JSON.stringify(config, null, 2) + '\n', { flag: opts.force ? 'w' : constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new OperationalError('CONFIG_EXISTS', `${opts.out} exists; pass --force to overwrite it`);
    throw new OperationalError('CONFIG_UNWRITABLE', `cannot write ${opts.out}: ${(e as Error).message}`);
  }
  // Read back the way `ledger start` will, so a bad --p2p-listen or port shows now.
  const loaded = await loadNodeConfig(out, {});
  return { name, index: index < 0 ? null : index, members: genesis.members.length, publicKey, genesisHash: toHex(hash), configFile: out, config: loaded };
}
