import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { OperationalError } from '../util/errors.js';

/** A node's configuration after file, environment and flags are merged (flags win, then env, then file). */
export interface NodeConfig {
  /** Member name; when keyFile's key is in the member set in force, it must be that member's name. */
  readonly name: string;
  readonly keyFile: string;
  readonly genesisFile: string;
  readonly dataDir: string;
  /** libp2p listen multiaddr, e.g. /ip4/0.0.0.0/tcp/9080. */
  readonly p2pListen: string;
  readonly apiHost: string;
  readonly apiPort: number;
  /** PEM certificate chain and key: REST is served over HTTPS when both are set. */
  readonly apiTlsCert: string | null;
  readonly apiTlsKey: string | null;
  /** PEM CA bundle: when set, clients must present a certificate it signed (mTLS). */
  readonly apiTlsCa: string | null;
  /** Serve plain HTTP on a non-loopback address anyway (behind a TLS proxy you run). */
  readonly apiInsecureHttp: boolean;
  /** GET /metrics on its own listener (host:port) instead of the REST API; null = on the API. */
  /** Requests per minute per client IP on the REST API; 0 disables the limit. */
  readonly apiRateLimit: number;
  /** Worker threads verifying transaction signatures at admission; 0 verifies on the main thread. */
  readonly verifyThreads: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Serve GET /metrics on this address instead of the REST port (absent: on the REST port). */
  readonly metricsListen?: { readonly host: string; readonly port: number };
}

/** Settings that may be overridden by env or flags, with their env names (documented in `ledger start --help`). */
export const CONFIG_ENV = {
  dataDir: 'LEDGER_DATA_DIR',
  keyFile: 'LEDGER_KEY_FILE',
  genesisFile: 'LEDGER_GENESIS_FILE',
  p2pListen: 'LEDGER_P2P_LISTEN',
  apiHost: 'LEDGER_API_HOST',
  apiPort: 'LEDGER_API_PORT',
  apiRateLimit: 'LEDGER_API_RATE_LIMIT',
  apiTlsCert: 'LEDGER_API_TLS_CERT',
  apiTlsKey: 'LEDGER_API_TLS_KEY',
  apiTlsCa: 'LEDGER_API_TLS_CA',
  apiInsecureHttp: 'LEDGER_API_INSECURE_HTTP',
  verifyThreads: 'LEDGER_VERIFY_THREADS',
  logLevel: 'LEDGER_LOG_LEVEL',
  metricsListen: 'LEDGER_METRICS_LISTEN',
} as const;

/** Overridable keys. */
export type ConfigOverrides = Partial<Record<keyof typeof CONFIG_ENV, string>>;

const DEFAULTS = { apiHost: '127.0.0.1', apiPort: 8080, apiRateLimit: 0, logLevel: 'info' as const, p2pListen: '/ip4/0.0.0.0/tcp/9080' };

/**
 * Default verification threads: every core but the main thread's, at most 4 (the main thread
 * feeds about that many; more only queue). A single-core machine verifies inline.
 */
export function defaultVerifyThreads(cores: number = availableParallelism()): number {
  return Math.max(0, Math.min(4, cores - 1));
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function bad(path: string, msg: string): never {
  throw new OperationalError('CONFIG_INVALID', `config ${path}: ${msg}`);
}

// HOST:PORT, the host possibly an [IPv6] literal.
function hostPort(path: string, v: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s]+):(\d{1,5})$/.exec(v);
  const port = Number(m?.[2]);
  if (m === null || port > 65535) bad(path, 'metricsListen must be HOST:PORT, e.g. 127.0.0.1:9464');
  return { host: (m[1] as string).replace(/^\[(.*)\]$/, '$1'), port };
}

/**
 * Reads a config file and applies overrides (env first, then flags). Relative paths in the
 * file are relative to the file's folder, so a config directory can be copied as a whole.
 */
export async function loadNodeConfig(path: string, env: NodeJS.ProcessEnv, flags: ConfigOverrides = {}): Promise<NodeConfig> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new OperationalError('CONFIG_UNREADABLE', `cannot read config ${path}: ${(e as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad(path, 'expected a JSON object');
  const file = raw as Record<string, unknown>;
  const base = dirname(resolve(path));
  const pick = (k: keyof typeof CONFIG_ENV): unknown => flags[k] ?? env[CONFIG_ENV[k]] ?? file[k];
  const str = (k: keyof typeof CONFIG_ENV | 'name', v: unknown, fallback?: string): string => {
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'string' || v.length === 0) bad(path, `${k} must be a non-empty string`);
    return v;
  };
  const int = (k: keyof typeof CONFIG_ENV, v: unknown, fallback: number, min: number, max: number): number => {
    if (v === undefined) return fallback;
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) bad(path, `${k} must be an integer in [${min}, ${max}]`);
    return n;
  };
  const rel = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
  const optPath = (k: keyof typeof CONFIG_ENV): string | null => {
    const v = pick(k);
    return v === undefined || v === '' ? null : rel(str(k, v));
  };
  const bool = (k: keyof typeof CONFIG_ENV): boolean => {
    const v = pick(k);
    if (v === undefined || v === false || v === '' || v === '0' || v === 'false') return false;
    if (v === true || v === '1' || v === 'true') return true;
    return bad(path, `${k} must be true or false`);
  };
  const apiTlsCert = optPath('apiTlsCert');
  const apiTlsKey = optPath('apiTlsKey');
  if ((apiTlsCert === null) !== (apiTlsKey === null)) bad(path, 'apiTlsCert and apiTlsKey go together');
  const apiTlsCa = optPath('apiTlsCa');
  if (apiTlsCa !== null && apiTlsCert === null) bad(path, 'apiTlsCa (client certificates) needs apiTlsCert and apiTlsKey');
  const logLevel = str('logLevel', pick('logLevel'), DEFAULTS.logLevel);
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) bad(path, `logLevel must be one of ${LOG_LEVELS.join(', ')}`);
  const metricsListen = pick('metricsListen');
  return {
    name: str('name', file['name']),
    keyFile: rel(str('keyFile', pick('keyFile'))),
    genesisFile: rel(str('genesisFile', pick('genesisFile'))),
    dataDir: rel(str('dataDir', pick('dataDir'))),
    p2pListen: str('p2pListen', pick('p2pListen'), DEFAULTS.p2pListen),
    apiHost: str('apiHost', pick('apiHost'), DEFAULTS.apiHost),
    apiPort: int('apiPort', pick('apiPort'), DEFAULTS.apiPort, 0, 65535),
    apiTlsCert, apiTlsKey, apiTlsCa,
    apiInsecureHttp: bool('apiInsecureHttp'),
    apiRateLimit: int('apiRateLimit', pick('apiRateLimit'), DEFAULTS.apiRateLimit, 0, 10_000_000),
    verifyThreads: int('verifyThreads', pick('verifyThreads'), defaultVerifyThreads(), 0, 64),
    logLevel: logLevel as NodeConfig['logLevel'],
    ...(metricsListen === undefined || metricsListen === '' ? {} : { metricsListen: hostPort(path, str('metricsListen', metricsListen)) }),
  };
}
