import { writeMemberConfig } from '../../node/member-config.js';
import { intFlag } from '../args.js';
import { EXIT, UsageError, type CommandIo } from '../command.js';

/** Flags of `ledger init --genesis` that the consortium form does not take, and the reverse. */
export const MEMBER_ONLY_FLAGS = ['key', 'name', 'data', 'api-host', 'p2p-listen', 'force'] as const;
export const CONSORTIUM_ONLY_FLAGS = ['members', 'hosts', 'host', 'chain-id', 'p2p-port', 'passphrase-file', 'plaintext'] as const;

/** Help text of the member form of `ledger init`. */
export const INIT_MEMBER_HELP = `Usage: ledger init --genesis FILE --key FILE [--out FILE] [--name NAME] [--data DIR]
                   [--api-host HOST] [--api-port P] [--p2p-listen ADDR] [--force] [--json]

One member's config, on its own machine, after the genesis ceremony: give the genesis.json
whose hash you checked ("ledger genesis-hash") and the key file you made with "ledger keygen".
Your name is the genesis member holding that key; the p2p port is the one in your genesis
address. Then run "ledger start --config FILE". Paths in FILE are relative to its folder.

Options:
  --genesis FILE    the genesis.json of the consortium (required for this form)
  --key FILE        your key file (required); only its public key is read
  --out FILE        the config file to write (default member.config.json)
  --name NAME       only for a key that is not in genesis (a member to be voted in later);
                    otherwise it must match your genesis entry
  --data DIR        data folder (default: data, next to FILE)
  --api-host HOST   REST API listen address (default 127.0.0.1: put a TLS proxy in front)
  --api-port P      REST API port (default 8080)
  --p2p-listen ADDR libp2p listen multiaddr (default /ip4/0.0.0.0/tcp/<port of your genesis address>)
  --force           overwrite FILE if it exists
  --json            print a JSON summary as the last line`;

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** `ledger init --genesis FILE --key FILE ...`: writes one member's config file. */
export async function runInitMember(values: Values, io: CommandIo): Promise<number> {
  const bad = CONSORTIUM_ONLY_FLAGS.find((f) => values[f] !== undefined);
  if (bad !== undefined) throw new UsageError(`--${bad} belongs to "ledger init --members N" (a whole test consortium), not to "ledger init --genesis"`);
  const str = (k: string): string | undefined => {
    const v = values[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.length === 0) throw new UsageError(`--${k} needs a value`);
    return v;
  };
  const keyFile = str('key');
  if (keyFile === undefined) throw new UsageError('--key is required with --genesis: the key file you made with "ledger keygen"');
  const name = str('name');
  const dataDir = str('data');
  const apiHost = str('api-host');
  const p2pListen = str('p2p-listen');
  const apiPort = values['api-port'] === undefined ? undefined : intFlag(values['api-port'], 'api-port', 8080, 1, 65535);
  const res = await writeMemberConfig({
    genesisFile: str('genesis') as string, keyFile, out: str('out') ?? 'member.config.json', force: values['force'] === true,
    ...(name === undefined ? {} : { name }), ...(dataDir === undefined ? {} : { dataDir }), ...(apiHost === undefined ? {} : { apiHost }),
    ...(apiPort === undefined ? {} : { apiPort }), ...(p2pListen === undefined ? {} : { p2pListen }),
  });
  const who = res.index === null ? `${res.name} (not a genesis member: it follows the chain until the members vote it in)` : `${res.name}, member ${res.index + 1} of ${res.members}`;
  io.out(`wrote ${res.configFile} for ${who}`);
  io.out(`  p2p ${res.config.p2pListen}, REST http://${res.config.apiHost}:${res.config.apiPort}, data ${res.config.dataDir}`);
  io.out(`genesis hash ${res.genesisHash}`);
  io.out(`start with: ledger start --config ${res.configFile}`);
  if (values['json'] === true) io.out(JSON.stringify({ name: res.name, index: res.index, publicKey: res.publicKey, genesisHash: res.genesisHash, configFile: res.configFile }));
  return EXIT.ok;
}
