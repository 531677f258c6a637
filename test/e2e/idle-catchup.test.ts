import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTx, LedgerClient, LedgerClientError, txHashHex } from '../../src/client/index.js';
import type { TxEnvelope } from '../../src/types/tx.js';
import { loadActor, type Actor } from '../helpers/story-actors.js';
import { getJson, Testnet, waitUntil } from '../helpers/testnet.js';

interface Status {
  height: number;
  view: number;
  ready: boolean;
  syncing: boolean;
  targetHeight: number;
  syncProgress: number;
}

const status = async (api: string): Promise<Status> => (await getJson<Status>(`${api}/v1/status`)).body;

// Observing that nothing happens takes a window of time; 3 s is 15-20 blocks of the old
// behaviour (an empty block per 500 ms on every view) and several view timeouts' worth.
const IDLE_WINDOW_MS = 3000;

async function watchStable(net: Testnet, ms: number): Promise<Status[]> {
  const first = await Promise.all(net.nodes.map((n) => status(n.api)));
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 200));
    const now = await Promise.all(net.nodes.map((n) => status(n.api)));
    for (let i = 0; i < now.length; i++) {
      expect({ height: now[i]?.height, view: now[i]?.view }, `${net.nodes[i]?.name} stays put while idle`).toEqual({ height: first[i]?.height, view: first[i]?.view });
    }
  }
  return first;
}

describe('a quiet idle chain, and status during catch-up (real processes)', () => {
  let net: Testnet;
  let supplier: Actor;
  let buyer: Actor;
  let client: LedgerClient;
  let nonce = 0;
  const issue = (n: number): TxEnvelope => buildTx(supplier.key, net.init.genesis.chainId, 'invoice.issue', {
    id: `INV-IDLE-${n}`, buyer: buyer.id, amount: '1000', currency: 'EUR', dueDate: '2027-03-31', fingerprint: `idle:${n}`,
  }, nonce++);

  beforeAll(async () => {
    net = await Testnet.create({ nodes: 4 });
    net.startAll();
    for (const n of net.nodes) await waitUntil(async () => (await status(n.api)).ready, `${n.name} ready`, 90_000);
    [supplier, buyer] = (await Promise.all(['supplier', 'buyer'].map((n) => loadActor(net, n)))) as [Actor, Actor];
    client = await net.client(0);
  }, 120_000);
  afterAll(async () => {
    await net?.destroy();
  });

  it('writes no block and changes no view while idle; the first transaction commits without a view timeout, then all is quiet again', async () => {
    // docs/protocol.md R24: with nothing to order no member writes a block or runs a view timer
    const idle = await watchStable(net, IDLE_WINDOW_MS);
    expect(idle.map((s) => s.height), 'a fresh chain stays at genesis').toEqual([0, 0, 0, 0]);

    const tx = issue(0);
    const hash = txHashHex(tx);
    const sent = Date.now();
    await client.submit(tx);
    await waitUntil(async () => (await client.getTx(hash)).status === 'committed', 'the first transaction to commit', 30_000);
    const latencyMs = Date.now() - sent;
    console.log(`first transaction after ${IDLE_WINDOW_MS} ms idle committed in ${latencyMs} ms (load ${(await import('node:os')).loadavg()[0]?.toFixed(1)})`);
    // No view timed out on the way: a timeout costs viewTimeoutMs (2,000 ms) at least.
    expect(latencyMs).toBeLessThan(2000);
    const committedAt = (await client.getTx(hash)).height as number;
    for (const n of net.nodes) await waitUntil(async () => (await status(n.api)).height >= committedAt, `${n.name} at ${committedAt}`, 10_000);

    const after = await watchStable(net, IDLE_WINDOW_MS);
    expect(new Set(after.map((s) => s.height)).size, 'every member committed the same height').toBe(1);
    expect(new Set(after.map((s) => s.view)).size, 'every member learned the last QC from the leader that holds').toBe(1);
    expect(after[0]?.height, 'the block with the transaction, nothing after it').toBe(committedAt);
    const log = await readFile(net.nodes[0]?.logFile as string, 'utf8');
    const committedLines = log.split('\n').filter((l) => l.includes('"Block committed"'));
    expect(committedLines.every((l) => !l.includes('"txs":0')), 'empty blocks are not logged at info').toBe(true);
  }, 60_000);

  it('listens from start-up while a restarted member catches up: syncing, target height and progress, 503 NODE_SYNCING for writes, then ready', async () => {
    // docs/protocol.md R18: a member far behind syncs; its REST API says so meanwhile
    const stopped = net.exited(3);
    net.nodes[3]?.proc?.kill('SIGTERM');
    expect(await stopped).toEqual({ code: 0, signal: null });
    // Many blocks while member4 is down: waves of transactions, each committed before the next
    // is sent, so that even a quiet machine (which packs a whole stream into a few blocks)
    // writes one block or more per wave and the catch-up lasts long enough to be seen.
    const txs = Array.from({ length: 200 }, (_, k) => issue(k + 1));
    for (let w = 0; w < txs.length; w += 10) {
      const wave = txs.slice(w, w + 10);
      for (const t of wave) await client.submit(t);
      const last = txHashHex(wave[wave.length - 1] as TxEnvelope);
      await waitUntil(async () => (await client.getTx(last)).status === 'committed', `wave ${w / 10} to commit`, 60_000);
    }
    const target = await net.height(0);
    expect(target, 'blocks written while member4 was down').toBeGreaterThanOrEqual(20);
    console.log(`member4 is ${target} blocks behind`);

    net.start(3);
    const api = net.nodes[3]?.api as string;
    const seen: Status[] = [];
    let refusal: LedgerClientError | null = null;
    const probe = buildTx(buyer.key, net.init.genesis.chainId, 'invoice.accept', { id: 'INV-IDLE-1' }, 0);
    const member4 = await net.client(3);
    await waitUntil(async () => {
      const s = await status(api);
      seen.push(s);
      if (s.syncing && refusal === null) {
        await member4.submit(probe).catch((e: unknown) => {
          if (e instanceof LedgerClientError) refusal = e;
        });
      }
      return s.ready;
    }, 'member4 ready after catching up', 120_000);
    const first = seen[0] as Status;
    expect(first.ready, 'the API answered before the node was ready').toBe(false);
    const syncing = seen.filter((s) => s.syncing);
    console.log(`member4 answered ${seen.length} status polls before ready, ${syncing.length} of them syncing`);
    expect(syncing.length, 'a poll saw the catch-up').toBeGreaterThan(0);
    for (const s of syncing) {
      expect(s.ready).toBe(false);
      expect(s.targetHeight).toBeGreaterThanOrEqual(s.height);
      expect(s.syncProgress).toBeGreaterThanOrEqual(0);
      expect(s.syncProgress).toBeLessThanOrEqual(1);
    }
    expect(syncing.some((s) => s.targetHeight >= target && s.height < target), 'target height above the height while syncing').toBe(true);
    expect(refusal, 'a write during catch-up is refused').not.toBeNull();
    expect({ status: (refusal as unknown as LedgerClientError).status, code: (refusal as unknown as LedgerClientError).code }).toEqual({ status: 503, code: 'NODE_SYNCING' });
    const done = await status(api);
    expect(done).toMatchObject({ ready: true, syncing: false, syncProgress: 1 });
    expect(done.height).toBeGreaterThanOrEqual(target);
    expect(done.targetHeight).toBe(done.height);
    // Ready: the same write is taken now.
    expect((await member4.submit(probe)).hash).toBe(txHashHex(probe));
  }, 300_000);
});
