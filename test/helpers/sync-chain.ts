import { encodeHeader } from '../../src/codec/block.js';
import { encodeSyncMessage, decodeSyncMessage, type SyncMessage } from '../../src/codec/sync.js';
import { encodeTxEnvelope } from '../../src/codec/tx.js';
import { voteSigningBytes } from '../../src/consensus/core/certificates.js';
import { simKey } from '../../src/consensus/sim/sim-cluster.js';
import { signMessage } from '../../src/crypto/ed25519.js';
import { sha256 } from '../../src/crypto/hash.js';
import type { StateTree } from '../../src/crypto/smt.js';
import { signTx } from '../../src/crypto/tx.js';
import { LedgerChain } from '../../src/node/chain.js';
import { rolesFor, payloadProblem } from '../../src/state/contracts/registry.js';
import { executeBlock } from '../../src/state/executor.js';
import { buildGenesisState, genesisHash } from '../../src/state/genesis-state.js';
import { Mempool } from '../../src/state/mempool/mempool.js';
import { getAccount } from '../../src/state/queries.js';
import { BlockStore } from '../../src/storage/block-store.js';
import { MemoryKv } from '../../src/storage/memory-kv.js';
import type { BlockHeader, CommittedBlock, QuorumCert } from '../../src/types/block.js';
import type { Channel, Clock, Transport } from '../../src/types/edges.js';
import type { Genesis } from '../../src/types/genesis.js';
import type { Hash, MemberIndex, Payload } from '../../src/types/primitives.js';
import { toHex, utf8 } from '../../src/util/bytes.js';

// A real chain for sync tests: real LedgerChain (executor, state tree, BlockStore over the
// in-memory KvStore), real signed transactions and real quorum certificates by the simulator's
// member keys (simKey), so that what a sync accepts is exactly what a node would commit.

/** Chain id of these chains. */
export const SYNC_CHAIN_ID = 'sync-test';

/** A genesis whose members are simKey(0..n-1). */
export function syncGenesis(n: number): Genesis {
  return {
    chainId: SYNC_CHAIN_ID, genesisTimeMs: 1_700_000_000_000,
    consensus: { viewTimeoutMs: 1000, maxViewTimeoutMs: 10_000, maxBlockTxs: 1000, maxBlockBytes: 1 << 20, heartbeatMinutes: 0 },
    members: Array.from({ length: n }, (_, i) => ({ name: `member${i}`, publicKey: simKey(i).publicKey, address: `/ip4/127.0.0.1/tcp/${9000 + i}` })),
    accounts: [],
  };
}

/** A started LedgerChain over a fresh in-memory store. */
export async function memoryChain(genesis: Genesis): Promise<LedgerChain> {
  const kv = new MemoryKv();
  await kv.start();
  const store = new BlockStore({}, { kv });
  await store.start();
  let chain: LedgerChain | null = null;
  const mempool = new Mempool({ chainId: genesis.chainId, maxTxs: 1000, maxNonceGap: 100 }, {
    lookupSigner: () => null, rolesFor, payloadProblem,
  });
  const log = { info: () => undefined, warn: () => undefined, debug: () => undefined };
  chain = new LedgerChain({ genesis }, { store, mempool, now: () => Date.now(), log });
  await chain.load();
  return chain;
}

/** A block as a peer would serve it, before its certificate is attached. */
export interface BuiltBlock {
  readonly header: BlockHeader;
  readonly txs: readonly Uint8Array[];
  readonly hash: Hash;
  readonly state: StateTree;
}

/**
 * Builds valid blocks (correct roots) on top of each other, outside any node: what the
 * members of a consortium would have committed.
 */
export class BlockBuilder {
  readonly genesis: Genesis;
  private nonces = new Map<number, number>();

  constructor(genesis: Genesis) {
    this.genesis = genesis;
  }

  /** The genesis "block" to build the first block on. */
  root(): BuiltBlock {
    const g = this.genesis;
    const header = { height: 0, view: 0, timestampMs: g.genesisTimeMs } as BlockHeader;
    return { header, txs: [], hash: genesisHash(g), state: buildGenesisState(g).state };
  }

  /** A signed transaction by member `member` (simKey), with its next nonce. */
  tx(member: number, type: string, payload: Payload, state: StateTree): Uint8Array {
    const key = simKey(member);
    const nonce = this.nonces.get(member) ?? getAccount(state, toHex(key.publicKey))?.nextNonce ?? 0;
    this.nonces.set(member, nonce + 1);
    return encodeTxEnvelope(signTx(key, { chainId: this.genesis.chainId, type, nonce, payload }));
  }

  /** The next block on `parent` in `epoch`, at view `view`. */
  block(parent: BuiltBlock, epoch: number, view: number, txs: readonly Uint8Array[] = []): BuiltBlock {
    const height = parent.header.height + 1;
    const timestampMs = parent.header.timestampMs + 1;
    const r = executeBlock({ state: parent.state, height, blockTimeMs: timestampMs, chainId: this.genesis.chainId, txs });
    if (!r.valid) throw new Error(`test block invalid: ${r.reason.code} ${r.reason.message}`);
    const header: BlockHeader = {
      chainId: this.genesis.chainId, epoch, height, view, parentHash: parent.hash, txRoot: r.txRoot, stateRoot: r.stateRoot,
      receiptsRoot: r.receiptsRoot, proposer: 0, timestampMs, parentQc: null,
    };
    return { header, txs, hash: sha256(encodeHeader(header)), state: r.state };
  }
}

/**
 * A QC of `epoch` on a child (one view later) of `parent`, signed by the members at list
 * indices `signers`, whose keys are simKey(keys[i]): it commits `parent` (R12).
 */
export function commitQc(chainId: string, parent: BlockHeader, parentHash: Hash, epoch: number, keys: readonly number[]): QuorumCert {
  const data = {
    epoch, view: parent.view + 1, height: parent.height + 1, blockHash: sha256(utf8(`child of ${toHex(parentHash)}`)),
    parentView: parent.view, parentHash,
  };
  const msg = voteSigningBytes(chainId, data);
  return { data, signatures: keys.map((k, i) => ({ member: i as MemberIndex, signature: signMessage(simKey(k), msg) })) };
}

/** A committed block as served by sync. */
export function servedBlock(b: BuiltBlock, qc: QuorumCert, certifiedHeight = b.header.height, suffix?: BlockHeader[]): CommittedBlock {
  return { block: { header: b.header, txs: b.txs }, hash: b.hash, commitQc: qc, certifiedHeight, ...(suffix ? { suffix } : {}) };
}

/** The wall clock. */
export const TEST_CLOCK: Clock = {
  now: () => Date.now(),
  setTimer: (ms, fire) => {
    const t = setTimeout(fire, ms);
    return () => clearTimeout(t);
  },
};

/** How a scripted peer answers a sync request (null: it stays silent). */
export type SyncPeerScript = (req: SyncMessage) => SyncMessage | null;

/**
 * The one transport of a node under test, whose peers are scripts answering on channel 'sync'
 * (asynchronously, as a network would). Records every message the node sent.
 */
export class ScriptedTransport implements Transport {
  readonly self: MemberIndex = 0;
  readonly sent: { to: MemberIndex; channel: Channel; bytes: Uint8Array }[] = [];
  private handler: ((from: MemberIndex, channel: Channel, bytes: Uint8Array) => void) | null = null;

  /** `delayMs`: answers arrive after this long (0: on the next turn of the event loop). */
  constructor(
    private readonly peers: ReadonlyMap<MemberIndex, SyncPeerScript>,
    private readonly delayMs = 0,
  ) {}

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  send(to: MemberIndex, channel: Channel, bytes: Uint8Array): void {
    this.sent.push({ to, channel, bytes });
    const script = this.peers.get(to);
    if (channel !== 'sync' || script === undefined) return;
    const answer = script(decodeSyncMessage(bytes));
    if (answer === null) return;
    const deliver = (): void => this.handler?.(to, 'sync', encodeSyncMessage(answer));
    if (this.delayMs > 0) setTimeout(deliver, this.delayMs);
    else setImmediate(deliver);
  }

  broadcast(channel: Channel, bytes: Uint8Array): void {
    for (const p of this.peers.keys()) this.send(p, channel, bytes);
  }

  onMessage(handler: (from: MemberIndex, channel: Channel, bytes: Uint8Array) => void): void {
    this.handler = handler;
  }

  connectedPeers(): readonly MemberIndex[] {
    return [...this.peers.keys()];
  }

  /** Delivers a message from a peer to the node. */
  deliver(from: MemberIndex, m: SyncMessage): void {
    this.handler?.(from, 'sync', encodeSyncMessage(m));
  }
}

/** A peer that serves `blocks` (heights 1..) honestly and claims `head` (default: the last). */
export function servingPeer(blocks: readonly CommittedBlock[], head = blocks.length): SyncPeerScript {
  return (req) => {
    if (req.kind === 'getHead') return { kind: 'head', height: head };
    if (req.kind === 'getBlocks') return { kind: 'blocks', blocks: blocks.slice(req.from - 1, req.from - 1 + req.limit) };
    return null;
  };
}
