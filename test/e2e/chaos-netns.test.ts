import { execFileSync, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NetnsNetwork } from '../../bench/chaos/netns.js';

// Separate hosts on one machine for the chaos soak. Needs root, as CI and the soak do: a run
// without it fails here rather than later inside the soak.
const TAG = `t${(process.pid % 1296).toString(36)}`;

async function reachable(net: NetnsNetwork, from: number, to: number): Promise<boolean> {
  const addr = net.hosts[to]?.address as string;
  const script = `const s=require('net').connect(7070,'${addr}');s.setTimeout(800);s.on('data',()=>process.exit(0));s.on('error',()=>process.exit(1));s.on('timeout',()=>process.exit(1))`;
  const p = spawn(net.exec(from)[0] as string, [...net.exec(from).slice(1), process.execPath, '-e', script], { stdio: 'ignore' });
  return new Promise((res) => p.once('exit', (code) => res(code === 0)));
}

describe('chaos network namespaces', () => {
  let net: NetnsNetwork | null = null;
  const servers: ReturnType<typeof spawn>[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.kill('SIGKILL');
    net?.down();
  });

  it('gives each host its own address; isolates, splits, heals; and leaves nothing behind', async () => {
    expect(process.getuid?.()).toBe(0);
    net = new NetnsNetwork(TAG, 4, 231);
    net.up();
    for (let i = 0; i < 4; i++) {
      const s = spawn(net.exec(i)[0] as string, [...net.exec(i).slice(1), process.execPath, '-e', "require('net').createServer((c)=>c.end('x')).listen(7070,'0.0.0.0',()=>console.log('up'))"], { stdio: ['ignore', 'pipe', 'ignore'] });
      servers.push(s);
      await new Promise<void>((res) => s.stdout?.once('data', () => res()));
    }
    expect(await reachable(net, 0, 3)).toBe(true);
    // The orchestrator (root namespace) reaches every host through the bridge.
    await expect(new Promise((res, rej) => connect(7070, net?.hosts[2]?.address as string).once('data', res).once('error', rej))).resolves.toBeTruthy();

    net.isolate(1);
    expect(await reachable(net, 0, 1)).toBe(false);
    expect(await reachable(net, 0, 2)).toBe(true);
    net.reconnect(1);
    expect(await reachable(net, 0, 1)).toBe(true);

    net.split([2, 3]);
    expect(await reachable(net, 0, 2)).toBe(false);
    expect(await reachable(net, 2, 3)).toBe(true);
    expect(await reachable(net, 0, 1)).toBe(true);
    net.heal();
    expect(await reachable(net, 0, 3)).toBe(true);

    for (const s of servers.splice(0)) s.kill('SIGKILL');
    net.down();
    expect(net.leftovers()).toEqual([]);
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(`lg${TAG}-`);
  });

  it('removes what it made when setting up fails half-way', () => {
    net = new NetnsNetwork(TAG, 2, 232);
    // A namespace of the same name already exists: up() fails on it and must undo the bridge.
    execFileSync('ip', ['netns', 'add', `lg${TAG}-1`]);
    expect(() => net?.up()).toThrow();
    // down() removes every name of this run, the blocking namespace included.
    expect(net.leftovers()).toEqual([]);
  });
});
