import {
  buildCeremonyGenesis, consensusWith, faultsTolerated, GenesisInputError, parseAccountSpec, parseMemberSpec, writeGenesisFile,
} from '../../node/genesis-ceremony.js';
import { toHex } from '../../util/bytes.js';
import { parseFlags, required } from '../args.js';
import { EXIT, UsageError, type Command } from '../command.js';

/** Milliseconds since 1970 or an ISO 8601 date. */
function genesisTime(v: string | undefined): number {
  if (v === undefined) return Date.now();
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isSafeInteger(ms) || ms < 0) throw new UsageError(`--genesis-time "${v}" is neither milliseconds since 1970 nor an ISO 8601 date`);
  return ms;
}

/** Turns bad values into usage errors (exit 2) with the message saying which one. */
function input<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof GenesisInputError) throw new UsageError(e.message);
    throw e;
  }
}

/** `ledger genesis --chain-id ID --member NAME=PUBKEY@ADDRESS ... --out FILE`. */
export const genesisCommand: Command = {
  name: 'genesis',
  summary: 'Write genesis.json from the members\' public keys and addresses (coordinator)',
  help: `Usage: ledger genesis --chain-id ID --member NAME=PUBKEY@ADDRESS [--member ...]
                      [--account NAME=PUBKEY:ROLE ...] [--consensus KEY=VALUE ...]
                      [--genesis-time T] --out FILE [--force] [--json]

The coordinator's step of the genesis ceremony. Each member first runs "ledger keygen" on its
own machine and sends its name, the public key keygen printed and the p2p address the others
will dial; no key file ever leaves its machine. This command writes genesis.json from what was
sent and prints its hash. Send the file to every member, and the hash by another channel:
each member checks it with "ledger genesis-hash genesis.json --expect HASH" before starting.

Options:
  --chain-id ID             chain id (letters, digits, '.', '_', ':', '-'; required)
  --member NAME=PUBKEY@ADDRESS
                            a member (validator), once per member, in leader-rotation order.
                            ADDRESS is HOST:PORT (ledger.bank-a.example:9080, 10.0.0.5:9080,
                            [fd00::5]:9080) or a multiaddr (/dns4/HOST/tcp/PORT)
  --account NAME=PUBKEY:ROLE
                            an account that exists from the first block; ROLE is integrator,
                            auditor or regulator (others can be registered later by a member)
  --consensus KEY=VALUE     override a consensus parameter (integer), e.g. viewTimeoutMs=3000
  --genesis-time T          genesis timestamp: milliseconds since 1970 or an ISO 8601 date
                            (default: now). The same inputs and time give the same hash.
  --out FILE                where to write genesis.json (required)
  --force                   overwrite FILE if it exists
  --json                    print {"genesisFile", "genesisHash", "chainId", "members", ...} as the last line

Members n tolerate f faulty ones when n >= 3f + 1 (4 members: 1, 7: 2).
Exit codes: 0 written, 1 FILE exists or cannot be written, 2 bad input (the message says which).`,
  async run(args, io) {
    const { values } = parseFlags(args, {
      'chain-id': { type: 'string' }, member: { type: 'string', multiple: true }, account: { type: 'string', multiple: true },
      consensus: { type: 'string', multiple: true }, 'genesis-time': { type: 'string' }, out: { type: 'string' },
      force: { type: 'boolean' }, json: { type: 'boolean' },
    });
    if (values.help) {
      io.out(this.help);
      return EXIT.ok;
    }
    const chainId = required(values['chain-id'], 'chain-id');
    const out = required(values.out, 'out');
    if ((values.member ?? []).length === 0) throw new UsageError('give at least one --member NAME=PUBKEY@HOST:PORT');
    const { genesis, hash } = input(() => buildCeremonyGenesis({
      chainId,
      genesisTimeMs: genesisTime(values['genesis-time']),
      consensus: consensusWith(values.consensus ?? []),
      members: (values.member ?? []).map(parseMemberSpec),
      accounts: (values.account ?? []).map(parseAccountSpec),
    }));
    await writeGenesisFile(out, genesis, values.force === true);
    const n = genesis.members.length;
    io.out(`wrote ${out}: chain ${chainId}, ${n} member${n === 1 ? '' : 's'} (tolerates ${faultsTolerated(n)} faulty), ${genesis.accounts.length} other account${genesis.accounts.length === 1 ? '' : 's'}`);
    genesis.members.forEach((m, i) => io.out(`  member ${i + 1}  ${m.name.padEnd(16)} ${toHex(m.publicKey)}  ${m.address}`));
    for (const a of genesis.accounts) io.out(`  account   ${a.name.padEnd(16)} ${toHex(a.publicKey)}  ${a.role}`);
    io.out(`genesis hash ${toHex(hash)}`);
    if (n > 1 && (n - 1) % 3 !== 0) io.err(`note: ${n} members tolerate as many faults as ${3 * faultsTolerated(n) + 1}; BFT sizes are 3f+1 (4, 7, 10)`);
    if (values.json) {
      io.out(JSON.stringify({
        genesisFile: out, genesisHash: toHex(hash), chainId, genesisTimeMs: genesis.genesisTimeMs,
        members: genesis.members.map((m) => ({ name: m.name, publicKey: toHex(m.publicKey), address: m.address })),
        accounts: genesis.accounts.map((a) => ({ name: a.name, publicKey: toHex(a.publicKey), role: a.role })),
      }));
    }
    return EXIT.ok;
  },
};
