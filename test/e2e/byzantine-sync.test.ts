import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FloodCounts } from '../helpers/hostile-flood.js';
import { getJson, Testnet } from '../helpers/testnet.js';

// Four members over libp2p: three real `ledger start` processes and one hostile member with a
// valid member key (test/helpers/hostile-member.ts) that lies on the sync channel and, once
// told to, floods the consensus channel: signed votes for far views, signed timeouts behind
// forged TCs, inflated TCs built from honest timeouts, block and sync requests over its rates.
const HOSTILE = 3;
const HONEST = [0, 1, 2];
// Signed far-view votes a second (the timeouts, TCs and requests come in proportion, see hostile-flood.ts).
const FLOOD_VOTES_PER_SEC = 2000;
// What an honest member may grow to under the flood (they idle near 120 MiB).
const RSS_BOUND_MIB = 400;

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  // A process that has exited but is not yet reaped has no VmRSS line.
  if (kb === undefined) throw new Error(`process ${pid} has no resident set`);
  return Number(kb) / 1024;
}

/** ledger_p2p_messages_refused_total of member i for `peer`, by "channel/reason". */
async function refusedFrom(net: Testnet, i: number, peer: string): Promise<Record<string, number>> {
  const text = await (await net.client(i)).metrics();
  const out: Record<string, number> = {};
  const re = /^ledger_p2p_messages_refused_total\{([^}]*)\} (\S+)$/gm;
  for (const m of text.matchAll(re)) {
    const labels = Object.fromEntries([...(m[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (labels.peer === peer) out[`${labels.channel}/${labels.reason}`] = Number(m[2]);
  }
  return out;
}

describe('a Byzantine member serving fake sync heads and flooding the consensus channel', () => {
  let net: Testnet;
  let hostile: ChildProcess;
  let served = 0;
  let flooded: FloodCounts | null = null;

  beforeAll(async () => {
    net = await Testnet.create({ nodes: 4 });
    const m = net.init.members[HOSTILE]!;
    hostile = spawn(process.execPath, ['--import', 'tsx', resolve('test/helpers/hostile-member.ts'), net.init.genesisFile, m.keyFile], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((ok, fail) => {
      hostile.once('exit', (code) => fail(new Error(`hostile member exited ${code}`)));
      hostile.stdout?.on('data', (d: Buffer) => {
        for (const line of d.toString().split('\n')) {
          if (line === 'READY') ok();
          const n = /^SERVED (\d+)$/.exec(line);
          if (n) served = Number(n[1]);
          const f = /^FLOODED (.*)$/.exec(line);
          if (f) flooded = JSON.parse(f[1] ?? '{}') as FloodCounts;
        }
      });
    });
    for (const i of HONEST) net.start(i);
  });
  afterAll(async () => {
    hostile?.stdin?.end();
    hostile?.kill('SIGKILL');
    await net?.destroy();
  });

  it('the honest members commit the same blocks in bounded memory, refuse its flood, and a member wiped while down syncs through the lies to the right head', async () => {
    // docs/protocol.md R8 (vote window), R11 (a TC carries its highest QC), R18 (sync progress
    // bound), R23 (per-member bounds): nothing the hostile member sends stalls, forks or bloats an honest node.
    await net.waitReady(HONEST, 120_000);
    hostile.stdin?.write(`FLOOD ${FLOOD_VOTES_PER_SEC}\n`);
    const peak = new Map<number, number>();
    let samples = 0;
    const sampler = setInterval(() => {
      for (const i of HONEST) {
        const pid = net.nodes[i]?.proc?.pid;
        if (pid === undefined) continue;
        void rssMiB(pid).then((r) => {
          samples++;
          peak.set(i, Math.max(peak.get(i) ?? 0, r));
        }, () => undefined);
      }
    }, 250);
    let servedBefore = 0;
    let restarts = 0;
    let before = 0;
    let target = 0;
    try {
      // An idle chain writes no block (docs/protocol.md R24): transactions build the history, under the flood.
      while ((await net.height(0)) < 8) await net.nudge(0, 'financier2', 120_000);
      await net.waitHeight(8, HONEST, 120_000);
      // Member 2's sync asks the peers connected when it starts; the hostile member may not be
      // among them yet (it redials after member 2's death with a backoff). Wipe and restart
      // until it was asked at least once, at most three times.
      for (let attempt = 1; attempt <= 3 && (attempt === 1 || served - servedBefore === 0); attempt++) {
        await net.kill(2);
        servedBefore = served;
        await rm(net.init.members[2]!.dataDir, { recursive: true, force: true });
        net.start(2);
        // With member 2 back, the three honest members are a quorum again and commit on.
        before = await net.height(0);
        for (let k = 0; k < 3; k++) await net.nudge(k % 2, 'financier2', 120_000);
        target = await net.height(0);
        expect(target).toBeGreaterThanOrEqual(before + 3);
        await net.waitHeight(target, HONEST, 120_000);
        restarts = attempt;
      }
    } finally {
      clearInterval(sampler);
    }
    for (let h = 1; h <= target; h++) {
      const hashes = await Promise.all(HONEST.map((i) => net.blockHash(i, h)));
      expect(new Set(hashes).size, `block hashes at height ${h}: ${hashes.join(', ')}`).toBe(1);
    }
    // Far-view votes, timeouts and TCs dragged no one ahead (they name views from 1,000,000 up).
    const views = await Promise.all(HONEST.map(async (i) => (await getJson<{ view: number }>(`${net.nodes[i]?.api}/v1/status`)).body.view));
    const name = net.init.members[HOSTILE]!.name;
    const refused = await Promise.all(HONEST.map((i) => refusedFrom(net, i, name)));
    const peaks = HONEST.map((i) => `${net.nodes[i]?.name} ${(peak.get(i) ?? NaN).toFixed(0)}`).join(', ');
    console.log(`flood sent ${JSON.stringify(flooded)}; heights: 8 before member 2 was wiped, ${before} at its restart, ${target} at the end on all three; `
      + `peak RSS MiB (bound ${RSS_BOUND_MIB}, ${samples} samples): ${peaks}; refused from ${name}: ${refused.map((r, k) => `${net.nodes[k]?.name} ${JSON.stringify(r)}`).join('; ')}; `
      + `fake sync blocks served ${served}, ${served - servedBefore} after member 2's last restart (${restarts} wipe-and-restarts); views at the end: ${views.join(', ')}`);
    for (const v of views) expect(v, 'an honest member\'s view').toBeLessThan(1_000_000);
    const sent = flooded as FloodCounts | null;
    expect(sent?.votes ?? 0, 'the hostile member flooded').toBeGreaterThan(FLOOD_VOTES_PER_SEC);
    expect(sent?.forgedTcs ?? 0).toBeGreaterThan(0);
    for (const i of HONEST) {
      expect(peak.get(i) ?? Infinity, `${net.nodes[i]?.name} memory stays bounded`).toBeLessThan(RSS_BOUND_MIB);
      const r = refused[i] ?? {};
      expect(r['consensus/request_limit'] ?? 0, `${net.nodes[i]?.name} refused block requests over ${name}'s bounds`).toBeGreaterThan(0);
      expect(r['sync/request_limit'] ?? 0, `${net.nodes[i]?.name} refused sync requests over ${name}'s bounds`).toBeGreaterThan(0);
    }
    expect(served - servedBefore, 'the hostile member was asked by member 2 (and lied)').toBeGreaterThan(0);
    // Each sync run (every honest member's start-up, member 2's, any the core asks for) takes at
    // most 256 unproven blocks plus one batch from it before dropping it.
    expect(served - servedBefore, 'member 2 dropped it after the bounded number of unproven blocks').toBeLessThan(2_000);
  }, 300_000);
});
