import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Testnet } from '../helpers/testnet.js';

// Four members over libp2p: three real `ledger start` processes and one hostile member with a
// valid member key (test/helpers/hostile-member.ts) that lies on the sync channel.
const HOSTILE = 3;

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 'NaN');
  return kb / 1024;
}

describe('a Byzantine member serving fake sync heads and fake header chains', () => {
  let net: Testnet;
  let hostile: ChildProcess;
  let served = 0;

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
        }
      });
    });
    for (let i = 0; i < 3; i++) net.start(i);
  });
  afterAll(async () => {
    hostile?.stdin?.end();
    hostile?.kill('SIGKILL');
    await net?.destroy();
  });

  it('the honest members commit, and a member wiped while down syncs through the lies to the right head', async () => {
    // docs/protocol.md R18 (sync progress bound), R23: a lying peer is dropped; the node syncs from honest ones
    // An idle chain writes no block (docs/protocol.md R24): transactions build the history.
    await net.waitReady([0, 1, 2], 120_000);
    while ((await net.height(0)) < 8) await net.nudge(0, 'financier2', 120_000);
    await net.waitHeight(8, [0, 1, 2], 120_000);
    await net.kill(2);
    const servedBefore = served;
    await rm(net.init.members[2]!.dataDir, { recursive: true, force: true });
    net.start(2);
    const pid = net.nodes[2]!.proc!.pid!;
    const rss: number[] = [];
    const sampler = setInterval(() => void rssMiB(pid).then((r) => rss.push(r), () => undefined), 250);
    try {
      // With member 2 back, the three honest members are a quorum again and commit on.
      const before = await net.height(0);
      for (let k = 0; k < 3; k++) await net.nudge(k % 2, 'financier2', 120_000);
      const target = await net.height(0);
      expect(target).toBeGreaterThanOrEqual(before + 3);
      await net.waitHeight(target, [0, 1, 2], 120_000);
    } finally {
      clearInterval(sampler);
    }
    for (let h = 1; h <= 8; h++) {
      const hashes = await Promise.all([0, 1, 2].map((i) => net.blockHash(i, h)));
      expect(new Set(hashes).size, `block hashes at height ${h}: ${hashes.join(', ')}`).toBe(1);
    }
    console.log(`hostile member served ${served} fake blocks, ${served - servedBefore} after member 2 restarted; member 2 RSS max ${Math.max(...rss).toFixed(0)} MiB over ${rss.length} samples`);
    expect(served - servedBefore, 'the hostile member was asked by member 2 (and lied)').toBeGreaterThan(0);
    // Each sync run (every honest member's start-up, member 2's, any the core asks for) takes at
    // most 256 unproven blocks plus one batch from it before dropping it.
    expect(served - servedBefore, 'member 2 dropped it after the bounded number of unproven blocks').toBeLessThan(2_000);
    expect(Math.max(...rss), 'member 2 memory stays bounded').toBeLessThan(1024);
  });
});
