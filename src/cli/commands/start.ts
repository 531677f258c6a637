import { CONFIG_ENV, loadNodeConfig, type ConfigOverrides } from '../../node/config.js';
import { LedgerNode } from '../../node/node.js';
import { LedgerError } from '../../util/errors.js';
import { parseFlags, required } from '../args.js';
import { EXIT, type Command } from '../command.js';

const FLAG_TO_KEY = {
  data: 'dataDir', key: 'keyFile', genesis: 'genesisFile', 'p2p-listen': 'p2pListen', 'api-host': 'apiHost',
  'api-port': 'apiPort', 'api-rate-limit': 'apiRateLimit', 'verify-threads': 'verifyThreads', 'log-level': 'logLevel',
  'metrics-listen': 'metricsListen',
  'api-tls-cert': 'apiTlsCert', 'api-tls-key': 'apiTlsKey', 'api-tls-ca': 'apiTlsCa',
} as const satisfies Record<string, keyof typeof CONFIG_ENV>;

/** `ledger start --config FILE`: run one member until SIGTERM/SIGINT. */
export const startCommand: Command = {
  name: 'start',
  summary: 'Run one member node until SIGTERM/SIGINT',
  help: `Usage: ledger start --config FILE [options]

Runs one consortium member: consensus over libp2p, LevelDB storage and the REST API.
Stops cleanly on SIGTERM or SIGINT. Logs are JSON lines on stdout.

Settings come from the config file, then environment variables, then flags (flags win).
Relative paths in the config file are relative to the file's folder.

  config key      flag                env                     default
  name            -                   -                       (required) this member's name in the member list
  keyFile         --key FILE          ${CONFIG_ENV.keyFile}         (required) member key file
  genesisFile     --genesis FILE      ${CONFIG_ENV.genesisFile}     (required) genesis.json
  dataDir         --data DIR          ${CONFIG_ENV.dataDir}         (required) LevelDB folder
  p2pListen       --p2p-listen ADDR   ${CONFIG_ENV.p2pListen}       /ip4/0.0.0.0/tcp/9080
  apiHost         --api-host HOST     ${CONFIG_ENV.apiHost}         127.0.0.1
  apiPort         --api-port PORT     ${CONFIG_ENV.apiPort}         8080
  apiRateLimit    --api-rate-limit N  ${CONFIG_ENV.apiRateLimit}    0 (requests/minute per client IP; 0 = off)
  apiTlsCert      --api-tls-cert FILE ${CONFIG_ENV.apiTlsCert}      - PEM certificate chain: REST over HTTPS (with apiTlsKey)
  apiTlsKey       --api-tls-key FILE  ${CONFIG_ENV.apiTlsKey}       - PEM private key of apiTlsCert
  apiTlsCa        --api-tls-ca FILE   ${CONFIG_ENV.apiTlsCa}        - PEM CA: clients must present a certificate it signed (mTLS)
  apiInsecureHttp --insecure-http     ${CONFIG_ENV.apiInsecureHttp} false: plain HTTP is refused on a non-loopback apiHost
  verifyThreads   --verify-threads N  ${CONFIG_ENV.verifyThreads}   cores - 1, at most 4 (signature-verification threads; 0 = main thread)
  logLevel        --log-level LEVEL   ${CONFIG_ENV.logLevel}        info (fatal|error|warn|info|debug|trace|silent)
  metricsListen   --metrics-listen HOST:PORT  ${CONFIG_ENV.metricsListen}  (unset: GET /metrics on the REST port) serve /metrics here only

Exit codes: 0 after a clean stop, 1 on an operational failure (the last log line says what to do), 2 usage.`,
  async run(args, io) {
    const { values } = parseFlags(args, {
      config: { type: 'string' }, data: { type: 'string' }, key: { type: 'string' }, genesis: { type: 'string' },
      'p2p-listen': { type: 'string' }, 'api-host': { type: 'string' }, 'api-port': { type: 'string' },
      'api-rate-limit': { type: 'string' }, 'verify-threads': { type: 'string' }, 'log-level': { type: 'string' },
      'metrics-listen': { type: 'string' },
      'api-tls-cert': { type: 'string' }, 'api-tls-key': { type: 'string' }, 'api-tls-ca': { type: 'string' }, 'insecure-http': { type: 'boolean' },
    });
    if (values.help) {
      io.out(this.help);
      return EXIT.ok;
    }
    const overrides: ConfigOverrides = {};
    for (const [flag, key] of Object.entries(FLAG_TO_KEY)) {
      const v = (values as Record<string, unknown>)[flag];
      if (typeof v === 'string') overrides[key] = v;
    }
    if (values['insecure-http'] === true) overrides.apiInsecureHttp = 'true';
    const config = await loadNodeConfig(required(values.config, 'config'), process.env, overrides);
    const node = new LedgerNode(config);
    let fatal: unknown = null;
    let wake: () => void = () => undefined;
    const done = new Promise<void>((res) => {
      wake = res;
    });
    const onSignal = (): void => wake();
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    try {
      await node.start((err) => {
        fatal = err;
        wake();
      });
    } catch (e) {
      if (e instanceof LedgerError) {
        node.log.fatal({ code: e.code }, e.message);
        io.err(`ledger start: ${e.message}`);
        return EXIT.failed;
      }
      throw e;
    }
    await done;
    await node.stop();
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    return fatal === null ? EXIT.ok : EXIT.failed;
  },
};
