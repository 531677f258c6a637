import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';
import { COMMANDS } from '../../../src/cli/commands/index.js';
import { buildInfo } from '../../../src/node/build-info.js';
import { loadNodeConfig } from '../../../src/node/config.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('ledger --version', () => {
  it('prints the package version and the build commit, with --version and -V', async () => {
    const b = buildInfo();
    for (const flag of ['--version', '-V']) {
      const r = await cli(flag);
      expect(r.code).toBe(0);
      expect(r.out).toEqual([`ledger ${b.version} (commit ${b.commit})`]);
    }
    expect((await cli('--help')).out.join('\n')).toContain('ledger --version');
  });

  it('every command answers --help with exit 0', async () => {
    for (const c of COMMANDS) {
      const r = await cli(c.name, '--help');
      expect(r.code, c.name).toBe(0);
      expect(r.out.join('\n'), c.name).toMatch(/^Usage: ledger /);
    }
  });
});

describe('the genesis ceremony through the CLI: keygen per member, genesis, genesis-hash, init --genesis', () => {
  let dir = '';
  const pks: string[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-cli-ceremony-'));
    for (const m of ['a', 'b', 'c', 'd']) {
      await mkdir(join(dir, m));
      const r = await cli('keygen', '--plaintext', '--out', join(dir, m, 'member.key.json'));
      expect(r.code).toBe(0);
      pks.push(r.out.at(-1) as string);
    }
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('builds genesis.json from four public keys and every member checks its hash and writes its config', async () => {
    const genesisFile = join(dir, 'genesis.json');
    const g = await cli('genesis', '--chain-id', 'cli-ceremony', '--genesis-time', '2027-01-01T00:00:00Z',
      ...['a', 'b', 'c', 'd'].flatMap((m, i) => ['--member', `bank-${m}=${pks[i]}@bank-${m}.example:9080`]), '--out', genesisFile, '--json');
    expect(g.code, g.err.join('\n')).toBe(0);
    const summary = JSON.parse(g.out.at(-1) as string) as { genesisHash: string; members: { name: string; address: string }[]; genesisTimeMs: number };
    expect(g.out).toContain(`genesis hash ${summary.genesisHash}`);
    expect(summary.members.map((m) => m.address)).toEqual(['a', 'b', 'c', 'd'].map((m) => `/dns4/bank-${m}.example/tcp/9080`));
    expect(summary.genesisTimeMs).toBe(Date.parse('2027-01-01T00:00:00Z'));

    const ok = await cli('genesis-hash', genesisFile, '--expect', summary.genesisHash.toUpperCase());
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(`genesis hash ${summary.genesisHash}`);
    const wrong = `${summary.genesisHash.slice(0, 63)}${summary.genesisHash.endsWith('0') ? '1' : '0'}`;
    const bad = await cli('genesis-hash', genesisFile, '--expect', wrong);
    expect(bad.code).toBe(1);
    expect(bad.err.join('\n')).toMatch(/MISMATCH/);
    expect((await cli('genesis-hash', genesisFile, '--expect', 'abc')).code).toBe(2);
    expect((await cli('genesis-hash')).code).toBe(2);
    expect((await cli('genesis-hash', join(dir, 'missing.json'))).code).toBe(1);

    for (const [i, m] of ['a', 'b', 'c', 'd'].entries()) {
      const out = join(dir, m, 'member.config.json');
      const r = await cli('init', '--genesis', genesisFile, '--key', join(dir, m, 'member.key.json'), '--out', out, '--json');
      expect(r.code, r.err.join('\n')).toBe(0);
      expect(JSON.parse(r.out.at(-1) as string)).toMatchObject({ name: `bank-${m}`, index: i, genesisHash: summary.genesisHash });
      const cfg = await loadNodeConfig(out, {});
      expect(cfg).toMatchObject({ name: `bank-${m}`, genesisFile, keyFile: join(dir, m, 'member.key.json'), p2pListen: '/ip4/0.0.0.0/tcp/9080' });
    }
    // The same inputs and time give the same file hash: a second coordinator can cross-check.
    const again = await cli('genesis', '--chain-id', 'cli-ceremony', '--genesis-time', String(summary.genesisTimeMs),
      ...['a', 'b', 'c', 'd'].flatMap((m, i) => ['--member', `bank-${m}=${pks[i]}@bank-${m}.example:9080`]), '--out', join(dir, 'again.json'));
    expect(again.out).toContain(`genesis hash ${summary.genesisHash}`);
    expect(JSON.parse(await readFile(join(dir, 'again.json'), 'utf8'))).toEqual(JSON.parse(await readFile(genesisFile, 'utf8')));
  });

  it('bad input: exit 2 with a message naming the value; an existing file: exit 1', async () => {
    const base = ['genesis', '--chain-id', 'x', '--out', join(dir, 'bad.json')];
    const cases: [string[], RegExp][] = [
      [[], /at least one --member/],
      [['--member', `a=${pks[0]}`], /--member a=.*expected NAME=PUBKEY@HOST:PORT/],
      [['--member', 'a=1234@h:1'], /"1234" is not a public key/],
      [['--member', `a=${pks[0]}@h:1`, '--member', `b=${pks[0]}@h:2`], /given twice/],
      [['--member', `a=${pks[0]}@h:1`, '--account', `b=${pks[1]}:boss`], /role "boss"/],
      [['--member', `a=${pks[0]}@h:1`, '--genesis-time', 'yesterday'], /--genesis-time/],
      [['--member', `a=${pks[0]}@h:1`, '--bogus'], /Unknown option '--bogus'/],
    ];
    for (const [extra, message] of cases) {
      const r = await cli(...base, ...extra);
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.err.join('\n'), extra.join(' ')).toMatch(message);
    }
    expect((await cli('genesis', '--member', `a=${pks[0]}@h:1`, '--out', join(dir, 'bad.json'))).err.join('\n')).toMatch(/--chain-id is required/);
    const twice = await cli(...base, '--member', `a=${pks[0]}@h:1`, '--out', join(dir, 'genesis.json'));
    expect(twice.code).toBe(1);
    expect(twice.err.join('\n')).toMatch(/exists; pass --force/);
  });

  it('init --genesis refuses the other form\'s flags, a foreign key and a missing --key', async () => {
    const genesisFile = join(dir, 'genesis.json');
    expect((await cli('init', '--genesis', genesisFile, '--members', '4', '--key', join(dir, 'a', 'member.key.json'))).code).toBe(2);
    expect((await cli('init', '--genesis', genesisFile)).err.join('\n')).toMatch(/--key is required/);
    expect((await cli('init', '--members', '4', '--out', dir, '--key', 'k')).err.join('\n')).toMatch(/--key belongs to "ledger init --genesis/);
    const foreign = join(dir, 'foreign.key.json');
    expect((await cli('keygen', '--plaintext', '--out', foreign)).code).toBe(0);
    const r = await cli('init', '--genesis', genesisFile, '--key', foreign, '--out', join(dir, 'foreign.config.json'));
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toMatch(/is not a member in .*members: bank-a, bank-b, bank-c, bank-d/);
  });
});
