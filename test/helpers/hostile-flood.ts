// The consensus-channel attacks of test/helpers/hostile-member.ts, by a member with a valid key:
//   - votes it really signed, for far-future views (docs/protocol.md R8: dropped outside the
//     vote window, before their signature is checked);
//   - timeouts it really signed for far views, justified by a forged TC, and that forged TC in
//     syncInfo messages: a far view, its own signature next to ones it cannot have, and an
//     inflated highest QC whose own signatures are forged (R11);
//   - inflated TCs built from real honest timeouts: whenever it holds q-1 honest timeouts of a
//     view, it adds its own claiming the QC of the view just before and withholds that QC (the
//     attack of issue #15 finding 5; R11 makes such a TC invalid);
//   - block requests for 64 blocks and sync requests, far above their per-member rates (R23).
import { randomBytes } from 'node:crypto';
import { decodeConsensusMessage, encodeConsensusMessage, MAX_BLOCK_REQUEST } from '../../src/codec/consensus.js';
import { encodeSyncMessage } from '../../src/codec/sync.js';
import { timeoutSigningBytes, voteSigningBytes } from '../../src/consensus/core/certificates.js';
import { signMessage, type SigningKey } from '../../src/crypto/ed25519.js';
import type { QuorumCert, TimeoutCert, TimeoutSignature, VoteData } from '../../src/types/block.js';
import type { Transport } from '../../src/types/edges.js';
import type { Hash, MemberIndex, Signature } from '../../src/types/primitives.js';

/** What the flood sent so far (messages handed to the transport, each broadcast counted once). */
export interface FloodCounts {
  votes: number;
  timeouts: number;
  forgedTcs: number;
  inflatedTcs: number;
  blockRequests: number;
  syncRequests: number;
}

export interface FloodDeps {
  readonly chainId: string;
  readonly self: MemberIndex;
  readonly members: number;
  readonly key: SigningKey;
  readonly transport: Transport;
}

const FAR = 1_000_000;
const TICK_MS = 20;
const POOL = 2048;

const fakeSig = (): Signature => new Uint8Array(randomBytes(64)) as Signature;
const fakeHash = (): Hash => new Uint8Array(randomBytes(32)) as Hash;

export class Flood {
  readonly counts: FloodCounts = { votes: 0, timeouts: 0, forgedTcs: 0, inflatedTcs: 0, blockRequests: 0, syncRequests: 0 };
  private readonly deps: FloodDeps;
  private votes: Uint8Array[] = [];
  private timeouts: Uint8Array[] = [];
  private syncInfos: Uint8Array[] = [];
  /** Honest timeouts heard, by view (the newest few views only). */
  private readonly heard = new Map<number, Map<MemberIndex, { sig: TimeoutSignature; highQc: QuorumCert | null }>>();
  private readonly inflatedViews = new Set<number>();
  private lastBlock: Hash | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(deps: FloodDeps) {
    this.deps = deps;
  }

  /** Starts the flood at `votesPerSec` signed far-view votes, the rest in proportion. */
  start(votesPerSec: number, report: (c: FloodCounts) => void): void {
    if (this.timer !== null) return;
    this.presign();
    const { transport } = this.deps;
    const perTick = (rate: number): number => Math.max(1, Math.round((rate * TICK_MS) / 1000));
    let tick = 0;
    this.timer = setInterval(() => {
      tick++;
      for (let i = 0; i < perTick(votesPerSec); i++) {
        transport.broadcast('consensus', this.votes[this.counts.votes % POOL] as Uint8Array);
        this.counts.votes++;
      }
      for (let i = 0; i < perTick(votesPerSec / 10); i++) {
        transport.broadcast('consensus', this.timeouts[this.counts.timeouts % this.timeouts.length] as Uint8Array);
        this.counts.timeouts++;
      }
      for (let i = 0; i < perTick(votesPerSec / 20); i++) {
        transport.broadcast('consensus', this.syncInfos[this.counts.forgedTcs % this.syncInfos.length] as Uint8Array);
        this.counts.forgedTcs++;
      }
      // Five times the block-request rate one member is allowed (R23: 100 a second), for 64 blocks each.
      for (let i = 0; i < perTick(500); i++) {
        transport.broadcast('consensus', encodeConsensusMessage({ type: 'blockRequest', hash: this.lastBlock ?? fakeHash(), count: MAX_BLOCK_REQUEST }));
        this.counts.blockRequests++;
      }
      // Five times the sync-request rate (R23: 20 a second).
      for (let i = 0; i < perTick(100); i++) {
        transport.broadcast('sync', encodeSyncMessage(i % 2 === 0 ? { kind: 'getHead' } : { kind: 'getBlocks', from: 1, limit: 64 }));
        this.counts.syncRequests++;
      }
      if (tick % Math.round(1000 / TICK_MS) === 0) report({ ...this.counts });
    }, TICK_MS);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Every consensus message an honest member sends it: learns block hashes and collects honest timeouts. */
  observe(from: MemberIndex, bytes: Uint8Array): void {
    let m;
    try {
      m = decodeConsensusMessage(bytes);
    } catch {
      return;
    }
    if (m.type === 'proposal') this.lastBlock = m.block.header.parentHash;
    if (m.type !== 'timeout' || this.timer === null || m.view > FAR) return;
    const highQcView = m.highQc?.data.view ?? 0;
    let views = this.heard.get(m.view);
    if (views === undefined) {
      views = new Map();
      this.heard.set(m.view, views);
      for (const v of this.heard.keys()) if (v < m.view - 16) this.heard.delete(v);
    }
    views.set(from, { sig: { member: from, highQcView, signature: m.signature }, highQc: m.highQc });
    this.inflate(m.epoch, m.view);
  }

  // q-1 honest timeouts plus its own, claiming QC(view - 1) and withholding it (issue #15 finding 5).
  private inflate(epoch: number, view: number): void {
    const honest = this.heard.get(view);
    const q = this.deps.members - Math.floor((this.deps.members - 1) / 3);
    if (honest === undefined || honest.size < q - 1 || this.inflatedViews.has(view) || view < 2) return;
    this.inflatedViews.add(view);
    const { chainId, self, key, transport } = this.deps;
    const claim = view - 1;
    const own: TimeoutSignature = { member: self, highQcView: claim, signature: signMessage(key, timeoutSigningBytes(chainId, epoch, view, claim)) };
    const chosen = [...honest.values()].slice(0, q - 1);
    const signatures = [...chosen.map((c) => c.sig), own].sort((a, b) => a.member - b.member);
    // The best QC it can show is an honest signer's, below the view it claims (or none at all).
    const shown = chosen.map((c) => c.highQc).filter((qc): qc is QuorumCert => qc !== null).sort((a, b) => b.data.view - a.data.view)[0] ?? null;
    for (const highQc of [null, shown]) {
      const tc: TimeoutCert = { epoch, view, signatures, highQc };
      transport.broadcast('consensus', encodeConsensusMessage({ type: 'syncInfo', highQc: null, highTc: tc }));
      // And the timeout of the next view it would justify.
      transport.broadcast('consensus', encodeConsensusMessage({
        type: 'timeout', epoch, view: view + 1, highQc: shown, lastTc: tc,
        signature: signMessage(key, timeoutSigningBytes(chainId, epoch, view + 1, shown?.data.view ?? 0)),
      }));
      this.counts.inflatedTcs++;
    }
  }

  // Signs the pools once: the flood replays them (it is the honest side's work that matters).
  private presign(): void {
    const { chainId, self, members, key } = this.deps;
    const epoch = 0;
    this.votes = Array.from({ length: POOL }, (_, i) => {
      const data: VoteData = { epoch, view: 4 * FAR + i, height: FAR + i, blockHash: fakeHash(), parentView: 4 * FAR + i - 1, parentHash: fakeHash() };
      return encodeConsensusMessage({ type: 'vote', data, signature: signMessage(key, voteSigningBytes(chainId, data)) });
    });
    const forgedTc = (view: number): TimeoutCert => {
      const claim = view - 1;
      const qcData: VoteData = { epoch, view: claim, height: FAR, blockHash: fakeHash(), parentView: claim - 1, parentHash: fakeHash() };
      const highQc: QuorumCert = { data: qcData, signatures: Array.from({ length: members }, (_, m) => ({ member: m, signature: fakeSig() })) };
      const signatures: TimeoutSignature[] = Array.from({ length: members }, (_, m) => ({
        member: m, highQcView: claim, signature: m === self ? signMessage(key, timeoutSigningBytes(chainId, epoch, view, claim)) : fakeSig(),
      }));
      return { epoch, view, signatures, highQc };
    };
    const tcs = Array.from({ length: 64 }, (_, i) => forgedTc(2 * FAR + 2 * i));
    this.syncInfos = tcs.map((tc) => encodeConsensusMessage({ type: 'syncInfo', highQc: null, highTc: tc }));
    this.timeouts = tcs.map((tc) => encodeConsensusMessage({
      type: 'timeout', epoch, view: tc.view + 1, highQc: null, lastTc: tc, signature: signMessage(key, timeoutSigningBytes(chainId, epoch, tc.view + 1, 0)),
    }));
  }
}
