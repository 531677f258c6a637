import { PASSPHRASE_ENV, PASSPHRASE_FILE_ENV } from '../../crypto/keys.js';
import { initConsortium } from '../../node/init-consortium.js';
import { intFlag, parseFlags, required } from '../args.js';
import { EXIT, UsageError, type Command } from '../command.js';
import { newKeyPassphrase } from '../key-passphrase.js';
import { INIT_MEMBER_HELP, MEMBER_ONLY_FLAGS, runInitMember } from './init-member.js';

const HOST_RE = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$|^[0-9a-fA-F:]{2,39}$/;

/** `ledger init --members N --out DIR [...]`, or one member's config: `ledger init --genesis FILE --key FILE`. */
export const initCommand: Command = {
  name: 'init',
  summary: 'Write one member\'s config from genesis.json and its key, or a whole test consortium',
  help: `Usage: ledger init --members N --out DIR [--chain-id ID] [--host HOST | --hosts H1,...,HN] [--api-port P] [--p2p-port P]
                   [--passphrase-file FILE | --plaintext] [--json]

Writes into DIR: genesis.json, memberI.key.json and memberI.config.json for I = 1..N, all
keys made on this machine: for tests and one-machine setups. The key files are encrypted as
"ledger keygen" encrypts them, under a passphrase from --passphrase-file, ${PASSPHRASE_ENV}
or the file ${PASSPHRASE_FILE_ENV} names; each member then starts with the same passphrase. A real consortium, where each
member makes its own key, uses the genesis ceremony: "ledger keygen" on every member,
"ledger genesis" at a coordinator, then the form below ("ledger init --genesis") on every member.

Options:
  --members N     number of members (1..64; BFT needs N = 3f+1, e.g. 4, 7, 10);
                  may be left out with --hosts (one member per host)
  --out DIR       output folder (required)
  --chain-id ID   chain id (default: consortium-<random>)
  --host HOST     address all members advertise, one machine (default 127.0.0.1)
  --api-port P    REST port of member1; member I uses P+I-1 (default 8080)
  --p2p-port P    p2p port of member1; member I uses P+I-1 (default 9080)
  --hosts LIST    comma-separated host of each member (DNS names or IPs, e.g. compose
                  service names member1,...,member4): member I advertises
                  /dns4/<host I>/tcp/P with the same --p2p-port and --api-port for all
  --passphrase-file FILE  read the key passphrase from FILE (one trailing newline ignored)
  --plaintext     store the secret keys unencrypted (test networks only; says so on stderr)
  --json          print a JSON summary as the last line

${INIT_MEMBER_HELP}`,
  async run(args, io) {
    const { values } = parseFlags(args, {
      members: { type: 'string' }, out: { type: 'string' }, 'chain-id': { type: 'string' }, host: { type: 'string' },
      'api-port': { type: 'string' }, 'p2p-port': { type: 'string' }, hosts: { type: 'string' }, json: { type: 'boolean' },
      genesis: { type: 'string' }, key: { type: 'string' }, name: { type: 'string' }, data: { type: 'string' },
      'api-host': { type: 'string' }, 'p2p-listen': { type: 'string' }, force: { type: 'boolean' },
      'passphrase-file': { type: 'string' }, plaintext: { type: 'boolean' },
    });
    if (values.help) {
      io.out(this.help);
      return EXIT.ok;
    }
    if (values.genesis !== undefined) return runInitMember(values, io);
    const memberOnly = MEMBER_ONLY_FLAGS.find((f) => values[f] !== undefined);
    if (memberOnly !== undefined) throw new UsageError(`--${memberOnly} belongs to "ledger init --genesis FILE --key FILE" (one member's config)`);
    const hosts = values.hosts === undefined ? undefined : values.hosts.split(',');
    if (hosts !== undefined) {
      const badHost = hosts.find((h) => !HOST_RE.test(h));
      if (badHost !== undefined) throw new UsageError(`--hosts: "${badHost}" is not a host name or IP address`);
      if (values.host !== undefined) throw new UsageError('give either --host or --hosts, not both');
    }
    const members = hosts !== undefined && values.members === undefined
      ? intFlag(String(hosts.length), 'hosts', 4, 1, 64)
      : intFlag(required(values.members, 'members'), 'members', 4, 1, 64);
    if (hosts !== undefined && hosts.length !== members) throw new UsageError(`--hosts names ${hosts.length} hosts for ${members} members`);
    const outDir = required(values.out, 'out');
    const chainId = values['chain-id'] ?? `consortium-${Math.random().toString(36).slice(2, 8)}`;
    // Checked before anything is written: a missing passphrase leaves no half-made folder.
    const passphrase = await newKeyPassphrase(values);
    const res = await initConsortium({
      members, outDir, chainId, host: values.host ?? '127.0.0.1', ...(hosts === undefined ? {} : { hosts }),
      apiPort: intFlag(values['api-port'], 'api-port', 8080, 1, 65535),
      p2pPort: intFlag(values['p2p-port'], 'p2p-port', 9080, 1, 65535),
      genesisTimeMs: Date.now(),
      ...(passphrase === undefined ? {} : { passphrase }),
    });
    if (passphrase === undefined) io.err('key files are stored UNENCRYPTED (--plaintext: a test network only)');
    for (const m of res.members) io.out(`${m.name}  ${m.publicKey}  config ${m.configFile}`);
    io.out(`genesis ${res.genesisFile}`);
    if (values.json) io.out(JSON.stringify({ chainId, genesisFile: res.genesisFile, encrypted: passphrase !== undefined, members: res.members }));
    return EXIT.ok;
  },
};
