import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { Devnet } from '../../node/devnet.js';
import { intFlag, parseFlags } from '../args.js';
import { EXIT, type Command } from '../command.js';

/** `ledger devnet`: a whole local consortium, one process per member. */
export const devnetCommand: Command = {
  name: 'devnet',
  summary: 'Run a local consortium on this machine (one process per member)',
  help: `Usage: ledger devnet [--nodes 4] [--data DIR] [--api-port 8080] [--p2p-port 9080] [--timeout-ms 60000] [--json]

Creates (or resumes) a local consortium in DIR and runs one member process per node.
Member I serves REST on api-port+I-1 and p2p on p2p-port+I-1, all on 127.0.0.1.
Writes DIR/devnet.json (nodes, ready-made accounts supplier, supplier2, buyer, financier,
financier2, auditor, regulator, and member keys) and prints "devnet ready" once every member
is ready (an idle chain writes no blocks). Member logs go to DIR/logs. Stops all members on
Ctrl-C / SIGTERM.
Run it again with the same --data to resume the chain.

Options:
  --nodes N        members (default 4; BFT tolerates f faults with N = 3f+1)
  --data DIR       folder for keys, genesis, configs and data (default .devnet)
  --api-port P     REST port of member1 (default 8080)
  --p2p-port P     p2p port of member1 (default 9080)
  --timeout-ms MS  give up if not ready within MS (default 60000)
  --json           also print devnet.json's content as one JSON line after "devnet ready"`,
  async run(args, io) {
    const { values } = parseFlags(args, {
      nodes: { type: 'string' }, data: { type: 'string' }, 'api-port': { type: 'string' }, 'p2p-port': { type: 'string' },
      'timeout-ms': { type: 'string' }, json: { type: 'boolean' },
    });
    if (values.help) {
      io.out(this.help);
      return EXIT.ok;
    }
    const cliScript = join(dirname(fileURLToPath(import.meta.url)), '..', 'main.js');
    const devnet = new Devnet({
      nodes: intFlag(values.nodes, 'nodes', 4, 1, 32),
      dataDir: values.data ?? '.devnet',
      apiPort: intFlag(values['api-port'], 'api-port', 8080, 1, 65535),
      p2pPort: intFlag(values['p2p-port'], 'p2p-port', 9080, 1, 65535),
      cliScript,
      log: (l) => io.out(l),
    });
    const stopped = new Promise<void>((res) => {
      const onSignal = (): void => {
        io.out('stopping devnet');
        void devnet.stop().then(res);
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
    });
    const started = Date.now();
    try {
      const manifest = await devnet.start();
      await devnet.waitReady(0, intFlag(values['timeout-ms'], 'timeout-ms', 60_000, 1000, 3_600_000));
      for (const n of manifest.nodes) io.out(`  ${n.name}  ${n.api}  pid ${n.pid}`);
      io.out(`devnet ready: ${manifest.nodes.length} members, chain ${manifest.chainId}, ${Date.now() - started} ms; manifest ${values.data ?? '.devnet'}/devnet.json`);
      if (values.json) io.out(JSON.stringify(manifest));
    } catch (e) {
      await devnet.stop(2000);
      throw e;
    }
    await stopped;
    io.out('devnet stopped');
    return EXIT.ok;
  },
};
