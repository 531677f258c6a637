import { initConsortium } from '../../node/init-consortium.js';
import { intFlag, parseFlags, required } from '../args.js';
import { EXIT, type Command } from '../command.js';

/** `ledger init --members N --out DIR [--chain-id ID]`. */
export const initCommand: Command = {
  name: 'init',
  summary: 'Create keys, genesis and one config file per member',
  help: `Usage: ledger init --members N --out DIR [--chain-id ID] [--host HOST] [--api-port P] [--p2p-port P] [--json]

Writes into DIR: genesis.json, memberI.key.json and memberI.config.json for I = 1..N.
Copy genesis.json plus one member's key and config to each member's machine and run
"ledger start --config memberI.config.json" there.

Options:
  --members N     number of members (1..64; BFT needs N = 3f+1, e.g. 4, 7, 10)
  --out DIR       output folder (required)
  --chain-id ID   chain id (default: consortium-<random>)
  --host HOST     address members advertise to each other (default 127.0.0.1)
  --api-port P    REST port of member1; member I uses P+I-1 (default 8080)
  --p2p-port P    p2p port of member1; member I uses P+I-1 (default 9080)
  --json          print a JSON summary as the last line`,
  async run(args, io) {
    const { values } = parseFlags(args, {
      members: { type: 'string' }, out: { type: 'string' }, 'chain-id': { type: 'string' }, host: { type: 'string' },
      'api-port': { type: 'string' }, 'p2p-port': { type: 'string' }, json: { type: 'boolean' },
    });
    if (values.help) {
      io.out(this.help);
      return EXIT.ok;
    }
    const members = intFlag(required(values.members, 'members'), 'members', 4, 1, 64);
    const outDir = required(values.out, 'out');
    const chainId = values['chain-id'] ?? `consortium-${Math.random().toString(36).slice(2, 8)}`;
    const res = await initConsortium({
      members, outDir, chainId, host: values.host ?? '127.0.0.1',
      apiPort: intFlag(values['api-port'], 'api-port', 8080, 1, 65535),
      p2pPort: intFlag(values['p2p-port'], 'p2p-port', 9080, 1, 65535),
      genesisTimeMs: Date.now(),
    });
    for (const m of res.members) io.out(`${m.name}  ${m.publicKey}  config ${m.configFile}`);
    io.out(`genesis ${res.genesisFile}`);
    if (values.json) io.out(JSON.stringify({ chainId, genesisFile: res.genesisFile, members: res.members }));
    return EXIT.ok;
  },
};
