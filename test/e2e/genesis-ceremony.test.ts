// The genesis ceremony of docker/RUNBOOK.md with real `ledger` processes and no shared key
// material: four members each run `ledger keygen` in their own folder, a coordinator runs
// `ledger genesis` with the public keys and addresses they sent, every member checks the hash
// with `ledger genesis-hash --expect` and writes its config with `ledger init --genesis`, then
// the four `ledger start` processes commit a transaction and report their build in /v1/status.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSigningKey } from '../../src/crypto/keys.js';
import { MEMBER_NODE_FLAGS } from '../../src/node/devnet.js';
import { toHex } from '../../src/util/bytes.js';
import { CLI, freePortRange, getJson, waitUntil } from '../helpers/testnet.js';

interface Done {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs one `ledger` command to completion in `cwd`, as an operator would on that host. */
function ledger(cwd: string, ...args: string[]): Promise<Done> {
  return new Promise((res) => {
    execFile(process.execPath, [CLI, ...args], { cwd }, (e, out, err) => {
      res({ code: e === null ? 0 : typeof e.code === 'number' ? e.code : -1, out, err });
    });
  });
}

const lastLine = (s: string): string => s.trim().split('\n').at(-1) ?? '';

describe('genesis ceremony with separately made keys: keygen, genesis, genesis-hash, init --genesis, start', () => {
  let dir = '';
  const procs: ChildProcess[] = [];
  afterAll(async () => {
    await Promise.all(procs.map((p) => (p.exitCode !== null || p.signalCode !== null ? null : new Promise((r) => { p.once('exit', r); p.kill('SIGTERM'); }))));
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('four members start from the ceremony genesis, commit a transaction and report version and commit', { timeout: 600_000 }, async () => {
    const t0 = Date.now();
    const step = (what: string): void => void process.stdout.write(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${what}\n`);
    dir = await mkdtemp(join(tmpdir(), 'ledger-ceremony-e2e-'));
    const base = await freePortRange(8);
    const names = ['bank-a', 'bank-b', 'bank-c', 'bank-d'];
    const hosts = names.map((n) => join(dir, n));
    const coordinator = join(dir, 'coordinator');
    await Promise.all([...hosts, coordinator].map((h) => mkdir(h)));

    // 1. Every member, on its own host: a key that never leaves it.
    const pks = await Promise.all(hosts.map(async (host) => {
      const r = await ledger(host, 'keygen', '--plaintext', '--out', 'member.key.json', '--json');
      expect(r.code, r.err).toBe(0);
      return (JSON.parse(lastLine(r.out)) as { publicKey: string }).publicKey;
    }));
    step('keys made');

    // 2. The coordinator, from what was sent: names, public keys, HOST:PORT addresses; it
    //    holds no key file at all.
    const integrator = toHex(generateSigningKey().publicKey);
    const g = await ledger(coordinator, 'genesis', '--chain-id', 'ceremony-e2e',
      ...names.flatMap((n, i) => ['--member', `${n}=${pks[i]}@127.0.0.1:${base + 4 + i}`]),
      '--account', `erp-1=${integrator}:integrator`, '--out', 'genesis.json');
    expect(g.code, g.err).toBe(0);
    const hash = /^genesis hash ([0-9a-f]{64})$/m.exec(g.out)?.[1] ?? '';
    expect(hash).toHaveLength(64);
    expect(await readdir(coordinator)).toEqual(['genesis.json']);
    step(`genesis written, hash ${hash}`);

    // 3. Every member checks the file it received against the hash sent by another channel,
    //    then writes its own config from its key and the genesis.
    const genesisFile = join(coordinator, 'genesis.json');
    const tampered = await ledger(hosts[0] as string, 'genesis-hash', genesisFile, '--expect', hash.replace(/^./, (c) => (c === '0' ? '1' : '0')));
    expect(tampered.code).toBe(1);
    const configs = await Promise.all(hosts.map(async (host, i) => {
      const check = await ledger(host, 'genesis-hash', genesisFile, '--expect', hash);
      expect(check.code, check.err).toBe(0);
      const init = await ledger(host, 'init', '--genesis', genesisFile, '--key', 'member.key.json', '--out', 'member.config.json', '--api-port', String(base + i), '--json');
      expect(init.code, init.err).toBe(0);
      expect(JSON.parse(lastLine(init.out))).toMatchObject({ name: names[i], index: i, genesisHash: hash });
      return join(host, 'member.config.json');
    }));
    step('hash checked and configs written');

    // 4. Start: the four members reach consensus over the addresses in the genesis.
    for (const [i, config] of configs.entries()) {
      procs.push(spawn(process.execPath, [...MEMBER_NODE_FLAGS, CLI, 'start', '--config', config, '--log-level', 'warn'], { cwd: hosts[i], stdio: ['ignore', 'ignore', 'inherit'] }));
    }
    const version = lastLine((await ledger(dir, '--version')).out);
    const apis = names.map((_, i) => `http://127.0.0.1:${base + i}`);
    // An idle chain writes no block (docs/protocol.md R24): ready is the signal, the transaction below the first block.
    for (const api of apis) await waitUntil(async () => (await getJson<{ ready: boolean }>(`${api}/v1/status`)).body.ready === true, `${api} to be ready`, 300_000);
    step('all four members ready');

    const tx = await ledger(hosts[1] as string, 'tx', 'account.register', '--key', 'member.key.json', '--node', apis[1] as string, '--wait', '--json',
      '--payload', JSON.stringify({ publicKey: toHex(generateSigningKey().publicKey), role: 'auditor', name: 'auditor-1' }));
    expect(tx.code, tx.err + tx.out).toBe(0);
    expect(JSON.parse(lastLine(tx.out))).toMatchObject({ status: 'committed' });
    step('transaction committed');

    for (const [i, api] of apis.entries()) {
      const s = (await getJson<{ node: string; version: string; commit: string; validator: boolean }>(`${api}/v1/status`)).body;
      expect(s.node).toBe(names[i]);
      expect(s.validator).toBe(true);
      expect(`ledger ${s.version} (commit ${s.commit})`).toBe(version);
    }
    // A member reads everything: its own key authenticates the auditor's reads here.
    const audit = await ledger(dir, 'audit', '--node', apis[3] as string, '--key', join(hosts[0] as string, 'member.key.json'), '--genesis', genesisFile, '--json');
    expect(audit.code, audit.err).toBe(0);
    expect(JSON.parse(lastLine(audit.out))).toMatchObject({ ok: true, genesisHash: hash });
    step(`audited; status reports ${version}`);
  });
});
