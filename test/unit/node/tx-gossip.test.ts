import { describe, expect, it } from 'vitest';
import { decodeTxBatch, encodeTxBatch } from '../../../src/codec/batch.js';
import { encodeTxEnvelope } from '../../../src/codec/tx.js';
import { generateSigningKey, signTx } from '../../../src/crypto/index.js';
import { TxGossip } from '../../../src/node/tx-gossip.js';
import { payloadProblem } from '../../../src/state/contracts/registry.js';
import { Mempool, type TxSignatureVerifier } from '../../../src/state/mempool/index.js';
import type { Payload } from '../../../src/types/primitives.js';
import type { Channel, Clock, Transport } from '../../../src/types/edges.js';
import { toHex } from '../../../src/util/bytes.js';

const CHAIN = 'gossip-chain';

/** A clock whose timers fire only when the test says so. */
function manualClock() {
  const timers: { at: number; fire: () => void; live: boolean }[] = [];
  let now = 0;
  const clock: Clock = {
    now: () => now,
    setTimer: (delayMs, fire) => {
      const t = { at: now + delayMs, fire, live: true };
      timers.push(t);
      return () => void (t.live = false);
    },
  };
  const advance = (ms: number): void => {
    now += ms;
    for (const t of timers) if (t.live && t.at <= now) {
      t.live = false;
      t.fire();
    }
  };
  return { clock, advance };
}

function setup(verifier: TxSignatureVerifier | null = null) {
  const key = generateSigningKey();
  const id = toHex(key.publicKey);
  const pool = new Mempool({ chainId: CHAIN, maxTxs: 1000, maxNonceGap: 1000 }, {
    lookupSigner: (pk) => (toHex(pk) === id ? { accountId: id, role: 'integrator', nextNonce: 0 } : null),
    rolesFor: () => ['integrator'],
    payloadProblem,
    verifier,
  });
  const sent: { channel: Channel; bytes: Uint8Array }[] = [];
  const transport = {
    self: 0, start: async () => undefined, stop: async () => undefined, send: () => undefined, onMessage: () => undefined,
    connectedPeers: () => [1, 2, 3], broadcast: (channel: Channel, bytes: Uint8Array) => void sent.push({ channel, bytes }),
  } satisfies Transport;
  const { clock, advance } = manualClock();
  let woken = 0;
  const debug: string[] = [];
  const gossip = new TxGossip({ maxBatchTxs: 3, maxDelayMs: 50 }, {
    transport, mempool: pool, clock, onAdmitted: () => void woken++, log: { debug: (_o, msg) => void debug.push(msg) },
  });
  const tx = (nonce: number, payload: Payload = { id: `a${nonce}`, kind: 'k', fingerprint: `f${nonce}`, metadata: {} }) =>
    encodeTxEnvelope(signTx(key, { chainId: CHAIN, type: 'asset.register', nonce, payload }));
  return { pool, gossip, sent, advance, tx, woken: () => woken, debug };
}

describe('TxGossip', () => {
  it('sends a batch when it is full, and what waits when the delay ends', () => {
    const { gossip, sent, advance, tx } = setup();
    for (let n = 0; n < 4; n++) gossip.enqueue(tx(n));
    expect(sent.map((s) => decodeTxBatch(s.bytes).length)).toEqual([3]);
    advance(49);
    expect(sent).toHaveLength(1);
    advance(1);
    expect(sent.map((s) => s.channel)).toEqual(['batches', 'batches']);
    expect(decodeTxBatch(sent[1]?.bytes as Uint8Array).map(toHex)).toEqual([toHex(tx(3))]);
    gossip.stop();
  });

  it('admits the received bytes as they are, reports each admission (not the junk), and drops junk', async () => {
    const { pool, gossip, tx, woken, debug } = setup();
    const txs = [tx(0), tx(1)];
    await gossip.handleMessage(1, encodeTxBatch([...txs, new Uint8Array([1, 2, 3])]));
    expect(pool.size).toBe(2);
    expect(woken()).toBe(2);
    await gossip.handleMessage(1, encodeTxBatch(txs));
    expect(woken(), 'duplicates are not admissions').toBe(2);
    const held = pool.select(() => 0, 10, 1 << 20).map((t) => toHex(t.bytes));
    expect(held).toEqual(txs.map(toHex));
    expect(debug).toContain('Dropped undecodable gossiped transaction');
    await gossip.handleMessage(1, new Uint8Array([0xc1]));
    expect(debug).toContain('Dropped undecodable batch');
  });

  it('drops a gossiped transaction whose payload its contract refuses (strict admission on every node)', async () => {
    const { pool, gossip, tx, woken } = setup();
    await gossip.handleMessage(1, encodeTxBatch([tx(0, { id: 'a0' }), tx(1, { id: 'a1', kind: 'k', fingerprint: 'f1', metadata: 'x' })]));
    expect(pool.size).toBe(0);
    expect(woken()).toBe(0);
    await gossip.handleMessage(1, encodeTxBatch([tx(0)]));
    expect(pool.size, 'a valid payload from the same peer is admitted').toBe(1);
  });

  it('verifies through the pool\'s verifier: nothing is admitted before the answer', async () => {
    const answers: ((ok: boolean) => void)[] = [];
    const { pool, gossip, tx, woken } = setup({ verify: () => new Promise<boolean>((r) => void answers.push(r)) });
    const done = gossip.handleMessage(2, encodeTxBatch([tx(0), tx(1)]));
    expect(answers).toHaveLength(2);
    expect(pool.size).toBe(0);
    answers[1]?.(true);
    answers[0]?.(false);
    await done;
    expect(pool.size).toBe(1);
    expect(woken()).toBe(1);
  });
});
