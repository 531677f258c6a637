import { mkdir, readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { buildApi } from '../api/app.js';
import { genesisFromJson } from '../codec/genesis.js';
import { consensusMessageLimit, syncMessageLimit, syncResponseBudget } from '../consensus/runtime/message-limits.js';
import { ConsensusRuntime } from '../consensus/runtime/runtime.js';
import { quorumSize } from '../crypto/certs.js';
import { loadKeyFile } from '../crypto/keys.js';
import { Libp2pTransport } from '../p2p/libp2p-transport.js';
import { payloadProblem, rolesFor } from '../state/contracts/registry.js';
import { Mempool } from '../state/mempool/mempool.js';
import { getSignerAccount } from '../state/queries.js';
import { BlockStore } from '../storage/block-store.js';
import { LevelKv } from '../storage/level-kv.js';
import { KvSafetyStore } from '../storage/safety-store.js';
import { BlockSync } from '../sync/block-sync.js';
import type { Clock } from '../types/edges.js';
import type { Genesis } from '../types/genesis.js';
import { bytesEqual, toHex } from '../util/bytes.js';
import { LedgerError, OperationalError } from '../util/errors.js';
import { buildNodeApiDeps } from './api-deps.js';
import { buildInfo } from './build-info.js';
import { LedgerChain } from './chain.js';
import type { NodeConfig } from './config.js';
import { createRootLogger, moduleLogger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { MetricsServer } from './metrics-server.js';
import { StorageSampler } from './storage-size.js';
import { TX_GOSSIP_DEFAULTS, TxGossip } from './tx-gossip.js';
import { VerifyPool } from './verify-pool.js';

/** The wall clock (the simulator uses a VirtualClock instead). */
export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  setTimer: (delayMs, fire) => {
    const t = setTimeout(fire, delayMs);
    return () => clearTimeout(t);
  },
};

async function readGenesis(path: string): Promise<Genesis> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new OperationalError('GENESIS_UNREADABLE', `cannot read genesis ${path}: ${(e as Error).message}`);
  }
  try {
    return genesisFromJson(json);
  } catch (e) {
    throw new OperationalError('GENESIS_INVALID', `genesis ${path} is invalid: ${(e as Error).message}`);
  }
}

/** Resolves once `count` peers are connected, or after `timeoutMs` (whichever comes first). */
function waitForPeers(transport: Libp2pTransport, count: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (transport.connectedPeers().length >= count) return resolve();
    const t = setTimeout(resolve, timeoutMs);
    transport.onPeerChange(() => {
      if (transport.connectedPeers().length >= count) {
        clearTimeout(t);
        resolve();
      }
    });
  });
}

/**
 * The composition root: builds every module from the config and starts them in dependency
 * order (storage → chain → pool → network → sync → consensus → API); stop() reverses it.
 */
export class LedgerNode {
  readonly config: NodeConfig;
  readonly log: Logger;
  readonly registry = new Registry();
  readonly metrics: Metrics;
  private kv: LevelKv | null = null;
  private store: BlockStore | null = null;
  private transport: Libp2pTransport | null = null;
  private runtime: ConsensusRuntime | null = null;
  private gossip: TxGossip | null = null;
  private sync: BlockSync | null = null;
  private api: FastifyInstance | null = null;
  private verifyPool: VerifyPool | null = null;
  private storageSampler: StorageSampler | null = null;
  private metricsServer: MetricsServer | null = null;
  private stopping: Promise<void> | null = null;
  /** Consensus runs: the node may report ready once it is not syncing either. */
  private started = false;
  /** The API's bound address once started. */
  apiUrl: string | null = null;
  /** Where GET /metrics is served once started (the API's address unless metricsListen is set). */
  metricsUrl: string | null = null;
  chain: LedgerChain | null = null;

  constructor(config: NodeConfig, logger?: Logger) {
    this.config = config;
    this.log = logger ?? createRootLogger({ level: config.logLevel, node: config.name });
    this.metrics = createMetrics(this.registry, buildInfo());
  }

  /** Starts everything; on failure stops what started and rethrows. */
  async start(onFatal: (err: unknown) => void): Promise<void> {
    try {
      await this.startAll(onFatal);
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  private async startAll(onFatal: (err: unknown) => void): Promise<void> {
    const cfg = this.config;
    const log = moduleLogger(this.log, 'node');
    const genesis = await readGenesis(cfg.genesisFile);
    const key = await loadKeyFile(cfg.keyFile);
    log.info({ chainId: genesis.chainId, dataDir: cfg.dataDir, ...buildInfo() }, 'Node starting');

    await mkdir(cfg.dataDir, { recursive: true });
    this.kv = new LevelKv({ path: cfg.dataDir });
    await this.kv.start();
    this.store = new BlockStore({ location: cfg.dataDir }, { kv: this.kv });
    await this.store.start();
    const store = this.store;
    const metrics = this.metrics;
    this.storageSampler = new StorageSampler(
      { dataDir: cfg.dataDir, intervalMs: 30_000 },
      { metrics, onError: (err) => log.debug({ err }, 'Cannot measure the data directory') },
    );
    await this.storageSampler.start();

    let chain: LedgerChain | null = null;
    // PERF: admission's signature checks (~130 µs each here) leave the main thread, which keeps
    // serving HTTP, consensus and gossip meanwhile.
    this.verifyPool = new VerifyPool({ threads: cfg.verifyThreads }, { log: moduleLogger(this.log, 'mempool') });
    const mempool = new Mempool(
      { chainId: genesis.chainId, maxTxs: 200_000, maxNonceGap: 10_000 },
      {
        lookupSigner: (pk) => {
          const a = chain === null ? null : getSignerAccount(chain.state, toHex(pk));
          return a === null ? null : { accountId: a.id, role: a.role, nextNonce: a.nextNonce };
        },
        rolesFor,
        payloadProblem,
        verifier: this.verifyPool,
      },
    );
    const poolGauges = (): void => {
      metrics.mempoolTxs.set(mempool.size);
      metrics.mempoolBytes.set(mempool.bytes);
    };
    chain = new LedgerChain({ genesis }, { store, mempool, now: () => Date.now(), log: moduleLogger(this.log, 'chain'), metrics });
    await chain.load();
    this.chain = chain;
    const members = chain.currentMembers();
    const self = members.findIndex((m) => bytesEqual(m.publicKey, key.publicKey));
    if (self >= 0 && members[self]?.name !== cfg.name) {
      throw new OperationalError('NAME_MISMATCH', `config name ${cfg.name} does not match the member of this key (${members[self]?.name})`);
    }
    if (self < 0) {
      // A member-to-be starts before (or while) the others vote it in; a removed one keeps
      // serving what it has. Either way it must not look like a working validator.
      log.warn({ publicKey: toHex(key.publicKey), epoch: chain.currentEpoch().epoch }, 'This key is not a member of the current member set: following the chain without voting until members vote it in');
    }
    metrics.height.set(chain.committedHead().height);
    let lastCommitMs = 0;
    chain.onCommitted(({ committed, exec }) => {
      const now = Date.now();
      metrics.height.set(committed.block.header.height);
      metrics.lastCommitTime.set(now / 1000);
      metrics.committedBlocks.inc();
      metrics.committedTxs.inc(exec.receipts.length);
      for (const r of exec.receipts) if (!r.ok) metrics.txRejected.inc({ code: r.code ?? 'UNKNOWN' });
      if (lastCommitMs > 0) metrics.blockInterval.observe((now - lastCommitMs) / 1000);
      lastCommitMs = now;
      poolGauges();
    });

    // The API listens from start-up (docs/architecture.md, start-up): while the node waits for
    // peers and catches up, /v1/status says so (ready false, syncing, targetHeight) and writes
    // answer 503, so health checks and operators see a syncing node instead of a closed port.
    const apiDeps = buildNodeApiDeps({ nodeName: cfg.name }, {
      chain, store, mempool, metrics, registry: this.registry,
      consensus: () => {
        const rt = this.runtime;
        const s = rt?.status ?? null;
        return { view: s?.view ?? 0, halted: rt?.halted ?? false, voting: rt?.voting ?? false, started: this.started };
      },
      peersConnected: () => this.transport?.connectedPeers().length ?? 0,
      syncProgress: () => this.sync?.progress ?? null,
      onAdmitted: (bytes) => {
        this.gossip?.enqueue(bytes);
        chain?.notifyTxsAvailable();
      },
    });
    const https = await loadApiTls(cfg);
    this.api = buildApi(
      {
        logger: moduleLogger(this.log, 'api'), rateLimit: cfg.apiRateLimit > 0 ? { max: cfg.apiRateLimit, timeWindowMs: 60_000 } : false,
        requestMetrics: metrics.apiRequest, serveMetrics: cfg.metricsListen === undefined, ...(https !== undefined ? { https } : {}),
      },
      apiDeps,
    );
    try {
      this.apiUrl = await this.api.listen({ host: cfg.apiHost, port: cfg.apiPort });
    } catch (e) {
      throw new OperationalError('API_LISTEN_FAILED', `cannot serve REST on ${cfg.apiHost}:${cfg.apiPort}: ${(e as Error).message}; is the port in use?`);
    }
    if (cfg.metricsListen !== undefined) {
      this.metricsServer = new MetricsServer(cfg.metricsListen, { registry: this.registry });
      this.metricsUrl = `${await this.metricsServer.start()}/metrics`;
    } else {
      this.metricsUrl = `${this.apiUrl}/metrics`;
    }
    log.info({ api: this.apiUrl, metrics: this.metricsUrl, height: chain.committedHead().height }, 'REST API listening; joining the network');

    this.transport = new Libp2pTransport(
      {
        members, seed: key.seed, listen: cfg.p2pListen,
        // A proposal carries its block's transactions: the consensus channel must fit the
        // largest block; sync answers carry at least one block with its certificate.
        maxMessageBytes: { consensus: consensusMessageLimit(genesis.consensus), sync: syncMessageLimit(genesis.consensus) },
      },
      { log: moduleLogger(this.log, 'p2p'), metrics },
    );
    const transport = this.transport;
    try {
      await transport.start();
    } catch (e) {
      throw new OperationalError('P2P_LISTEN_FAILED', `cannot listen on ${cfg.p2pListen}: ${(e as Error).message}; is the port in use?`);
    }
    transport.onPeerChange(() => metrics.peers.set(transport.connectedPeers().length));

    this.gossip = new TxGossip(TX_GOSSIP_DEFAULTS, {
      transport, mempool, clock: SYSTEM_CLOCK, log: moduleLogger(this.log, 'mempool'),
      onAdmitted: () => {
        poolGauges();
        chain?.notifyTxsAvailable();
      },
    });
    const gossip = this.gossip;
    this.sync = new BlockSync({ requestTimeoutMs: 3000, batchSize: 32, maxResponseBytes: syncResponseBudget(genesis.consensus) }, {
      transport, chain, clock: SYSTEM_CLOCK, log: moduleLogger(this.log, 'sync'), metrics,
      peerName: (i) => chain.currentMembers()[i]?.name ?? `#${i}`,
    });
    const sync = this.sync;
    transport.onMessage((from, channel, bytes) => {
      if (channel === 'batches') gossip.handleMessage(from, bytes);
      else if (channel === 'sync') sync.handleMessage(from, bytes);
    });

    const consensusLog = moduleLogger(this.log, 'consensus');
    // R20: indices in consensus messages are positions in the epoch's member list, so the
    // transport switches lists exactly when the runtime switches epochs.
    const enterMembers = (): void => {
      transport.updateMembers(chain.currentMembers());
      metrics.peers.set(transport.connectedPeers().length);
    };
    this.runtime = new ConsensusRuntime(
      { chainId: genesis.chainId, params: genesis.consensus, signingKey: key },
      {
        clock: SYSTEM_CLOCK, transport, safetyStore: new KvSafetyStore({}, { kv: this.kv }), application: chain,
        sync: { syncTo: async () => void (await sync.catchUp()) },
        logger: consensusLog, metrics, memberName: (i) => chain.currentMembers()[i]?.name ?? `#${i}`,
        coreLogger: consensusLog.isLevelEnabled('debug') ? consensusLog : null,
        onEpochChange: () => enterMembers(),
        onFatal: (err) => {
          consensusLog.error({ err }, 'Consensus stopped');
          onFatal(err);
        },
      },
    );
    const runtime = this.runtime;
    // Proposals sent before peers are connected are lost and cost a view timeout each, so wait
    // (bounded) until a quorum is reachable: the first block then commits in one round trip.
    // A non-member is admitted only by members that already count it in, so one peer will do.
    await waitForPeers(transport, self >= 0 ? quorumSize(members.length) - 1 : 1, 3 * genesis.consensus.viewTimeoutMs);
    // A node far behind (restart after a long outage, or a new member) catches up before voting.
    const epochBefore = chain.currentEpoch().epoch;
    await sync.catchUp().catch((err: unknown) => log.warn({ err }, 'Initial block sync failed; consensus will retry'));
    if (chain.currentEpoch().epoch !== epochBefore) enterMembers();
    await runtime.start();
    // A node that does not vote learns of new blocks only by syncing; a new connection is
    // the moment that can work (members admit a member-to-be once they count it in).
    transport.onPeerChange((_peer, connected) => {
      if (connected && !runtime.voting) runtime.requestSync();
    });

    this.started = true;
    log.info({ api: this.apiUrl, metrics: this.metricsUrl, p2p: transport.listenAddresses(), height: chain.committedHead().height }, 'Node started');
  }

  /** Stops in reverse order; idempotent; awaits in-flight work. */
  stop(): Promise<void> {
    if (this.stopping === null) {
      this.stopping = (async () => {
        const log = moduleLogger(this.log, 'node');
        const step = async (name: string, f: () => Promise<void> | void): Promise<void> => {
          try {
            await f();
          } catch (err) {
            log.warn({ err, step: name }, 'Error while stopping');
          }
        };
        await step('api', async () => void (await this.api?.close()));
        await step('metrics', async () => this.metricsServer?.stop());
        await step('consensus', async () => this.runtime?.stop());
        this.gossip?.stop();
        this.sync?.stop();
        await step('p2p', async () => this.transport?.stop());
        await step('store', async () => this.store?.stop());
        await step('kv', async () => this.kv?.stop());
        await step('verify', async () => this.verifyPool?.stop());
        await step('storage-sampler', async () => this.storageSampler?.stop());
        log.info({}, 'Node stopped');
      })();
    }
    return this.stopping;
  }
}

/** True for a host name or address that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The API's certificate and key (and client CA) when configured. Without them, plain HTTP is
 * allowed on loopback only, unless the operator says apiInsecureHttp (a TLS proxy in front).
 */
async function loadApiTls(cfg: NodeConfig): Promise<{ cert: Buffer; key: Buffer; ca?: Buffer } | undefined> {
  if (cfg.apiTlsCert === null || cfg.apiTlsKey === null) {
    if (!isLoopbackHost(cfg.apiHost) && !cfg.apiInsecureHttp) {
      throw new OperationalError('API_PLAIN_HTTP', `refusing to serve REST over plain HTTP on ${cfg.apiHost}: set apiTlsCert and apiTlsKey (docker/RUNBOOK.md), or apiInsecureHttp true (LEDGER_API_INSECURE_HTTP=1) behind a TLS proxy you run`);
    }
    return undefined;
  }
  const read = async (f: string, what: string): Promise<Buffer> => {
    try {
      return await readFile(f);
    } catch (e) {
      throw new OperationalError('API_TLS_UNREADABLE', `cannot read the API's TLS ${what} ${f}: ${(e as Error).message}`);
    }
  };
  return {
    cert: await read(cfg.apiTlsCert, 'certificate'), key: await read(cfg.apiTlsKey, 'key'),
    ...(cfg.apiTlsCa !== null ? { ca: await read(cfg.apiTlsCa, 'client CA') } : {}),
  };
}


/** True for errors that mean "operator must act", printed as one line. */
export function isOperational(e: unknown): e is LedgerError {
  return e instanceof LedgerError;
}
