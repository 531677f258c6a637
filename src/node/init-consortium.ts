import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { genesisToJson } from '../codec/genesis.js';
import { generateSigningKey, saveKeyFile } from '../crypto/keys.js';
import type { ConsensusParams, Genesis, GenesisAccount, Member } from '../types/genesis.js';
import type { Role } from '../types/primitives.js';
import { toHex } from '../util/bytes.js';
import { OperationalError } from '../util/errors.js';

/** Consensus defaults: tuned for a LAN/loopback consortium of 4–10 members. */
export const DEFAULT_CONSENSUS: ConsensusParams = {
  // A view change (dead or slow leader) costs at most maxViewTimeoutMs: under 5 s by design.
  viewTimeoutMs: 2000,
  maxViewTimeoutMs: 4000,
  maxBlockTxs: 5000,
  maxBlockBytes: 2 * 1024 * 1024,
  // An idle chain writes one empty block per 5 minutes (docs/protocol.md R24): about 290 small
  // blocks a day, so a member that can no longer commit shows it within minutes (a stale
  // /v1/status head, the no-commit alert) rather than at the next business transaction.
  heartbeatMinutes: 5,
};

/** Options of `ledger init`. */
export interface InitOpts {
  readonly members: number;
  readonly outDir: string;
  readonly chainId: string;
  /** Host members advertise in genesis (their p2p address) when `hosts` is absent. */
  readonly host: string;
  /**
   * One host per member (e.g. container or DNS names): member i advertises hosts[i] with the
   * same ports as every other member, and listens on all interfaces. Length must be `members`.
   */
  readonly hosts?: readonly string[];
  readonly apiPort: number;
  readonly p2pPort: number;
  /** Extra non-member accounts to create keys for (devnet). */
  readonly accounts?: readonly { name: string; role: Role }[];
  readonly genesisTimeMs: number;
  /** Encrypts every key file written under this passphrase; absent: plaintext (test networks). */
  readonly passphrase?: string;
}

/** What init wrote. */
export interface InitResult {
  readonly genesis: Genesis;
  readonly genesisFile: string;
  readonly members: readonly { name: string; keyFile: string; configFile: string; dataDir: string; apiPort: number; p2pPort: number; publicKey: string }[];
  readonly accounts: readonly { name: string; role: Role; keyFile: string; publicKey: string }[];
}

/**
 * The multiaddr of a TCP endpoint: /ip4 or /ip6 for address literals, /dns4 for a host name
 * (libp2p's TCP transport resolves it with the system resolver when dialing).
 */
export function hostMultiaddr(host: string, port: number): string {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return `/ip4/${host}/tcp/${port}`;
  if (host.includes(':')) return `/ip6/${host}/tcp/${port}`;
  return `/dns4/${host}/tcp/${port}`;
}

/**
 * Writes keys, genesis.json and one config per member into outDir, ready to copy to N
 * machines. Without `hosts`, member i listens on p2pPort+i and serves REST on apiPort+i at
 * `host` (one machine); with `hosts`, every member uses p2pPort and apiPort on its own host.
 */
export async function initConsortium(opts: InitOpts): Promise<InitResult> {
  if (opts.hosts !== undefined && opts.hosts.length !== opts.members) {
    throw new OperationalError('INIT_HOSTS_COUNT', `${opts.hosts.length} hosts given for ${opts.members} members; give one host per member`);
  }
  await mkdir(opts.outDir, { recursive: true });
  const members: Member[] = [];
  const memberOut: InitResult['members'][number][] = [];
  for (let i = 0; i < opts.members; i++) {
    const name = `member${i + 1}`;
    const key = generateSigningKey();
    const keyFile = `${name}.key.json`;
    await saveKeyFile(join(opts.outDir, keyFile), key, opts.passphrase);
    const ownHost = opts.hosts?.[i];
    const p2pPort = ownHost === undefined ? opts.p2pPort + i : opts.p2pPort;
    const apiPort = ownHost === undefined ? opts.apiPort + i : opts.apiPort;
    const host = ownHost ?? opts.host;
    const loopbackOnly = host === '127.0.0.1';
    members.push({ name, publicKey: key.publicKey, address: hostMultiaddr(host, p2pPort) });
    const configFile = `${name}.config.json`;
    const dataDir = join('data', name);
    const config = {
      name,
      keyFile,
      genesisFile: 'genesis.json',
      dataDir,
      p2pListen: `/ip4/${loopbackOnly ? '127.0.0.1' : '0.0.0.0'}/tcp/${p2pPort}`,
      apiHost: loopbackOnly ? '127.0.0.1' : '0.0.0.0',
      apiPort,
    };
    await writeFile(join(opts.outDir, configFile), JSON.stringify(config, null, 2) + '\n');
    memberOut.push({ name, keyFile: join(opts.outDir, keyFile), configFile: join(opts.outDir, configFile), dataDir: join(opts.outDir, dataDir), apiPort, p2pPort, publicKey: toHex(key.publicKey) });
  }
  const accounts: GenesisAccount[] = [];
  const accountOut: InitResult['accounts'][number][] = [];
  for (const a of opts.accounts ?? []) {
    const key = generateSigningKey();
    const keyFile = join(opts.outDir, `${a.name}.key.json`);
    await saveKeyFile(keyFile, key, opts.passphrase);
    accounts.push({ name: a.name, publicKey: key.publicKey, role: a.role });
    accountOut.push({ name: a.name, role: a.role, keyFile, publicKey: toHex(key.publicKey) });
  }
  const genesis: Genesis = { chainId: opts.chainId, genesisTimeMs: opts.genesisTimeMs, consensus: DEFAULT_CONSENSUS, members, accounts };
  const genesisFile = join(opts.outDir, 'genesis.json');
  await writeFile(genesisFile, JSON.stringify(genesisToJson(genesis), null, 2) + '\n');
  return { genesis, genesisFile, members: memberOut, accounts: accountOut };
}
