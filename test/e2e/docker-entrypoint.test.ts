// docker/entrypoint.sh outside any container: each service of docker/compose.yml becomes a
// plain process on 127.0.0.1 with the image's ENV (docker/Dockerfile) plus the service's
// environment, container paths mapped to the host folders compose would mount, and the
// published-port mapping replaced by distinct loopback ports. Three members start the way the
// compose file runs them (LEDGER_NAME, no config file), the fourth from a mounted
// `ledger init` config file. docker/test-containers.sh does the same in real containers.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePortRange, getJson, waitUntil } from '../helpers/testnet.js';
import { asMap, asStrings, parseComposeSubset } from '../unit/docker/compose-subset.js';
import { envOf, parseDockerfile } from '../unit/docker/dockerfile.js';

const ENTRYPOINT = resolve('docker/entrypoint.sh');
const HEALTHCHECK = resolve('docker/healthcheck.mjs');

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
}

/** Runs the entrypoint to completion (short commands and start-up failures). */
function runEntrypoint(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((res) => {
    const p = spawn('sh', [ENTRYPOINT, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.once('exit', (code, signal) => res({ code, signal, out, err }));
  });
}

function exited(p: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve({ code: p.exitCode, signal: p.signalCode });
  return new Promise((res) => p.once('exit', (code, signal) => res({ code, signal })));
}

describe('docker/entrypoint.sh with each compose service environment, as plain processes', () => {
  let dir: string;
  let apiBase: number;
  const members: { name: string; env: NodeJS.ProcessEnv; proc: ChildProcess | null; api: string }[] = [];
  const baseEnv = (): NodeJS.ProcessEnv => ({ PATH: process.env['PATH'], HOME: dir, TMPDIR: dir });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-docker-e2e-'));
    apiBase = await freePortRange(8);
    const p2pBase = apiBase + 4;
    // The entrypoint passes other commands through to `ledger`: init writes the consortium.
    const init = await runEntrypoint(
      ['init', '--plaintext', '--members', '4', '--host', '127.0.0.1', '--api-port', String(apiBase), '--p2p-port', String(p2pBase), '--out', join(dir, 'consortium'), '--chain-id', 'docker-e2e'],
      baseEnv(),
    );
    expect(init.code, init.err).toBe(0);

    const imageEnv = envOf(parseDockerfile(await readFile('docker/Dockerfile', 'utf8')).stages.at(-1) ?? { from: '', name: null, instructions: [] });
    const compose = asMap(parseComposeSubset(await readFile('docker/compose.yml', 'utf8'), { LEDGER_CONSORTIUM_DIR: join(dir, 'consortium') }), 'compose');
    const services = asMap(compose['services'], 'services');
    for (const [i, name] of Object.keys(services).entries()) {
      const svc = asMap(services[name], name);
      // Container path -> host path, as compose mounts them (named volumes become folders).
      const mounts = new Map<string, string>();
      for (const v of asStrings(svc['volumes'], `${name}.volumes`)) {
        const [source = '', target = ''] = v.split(':');
        mounts.set(target, source.startsWith('/') ? source : join(dir, 'volumes', source));
      }
      const env: NodeJS.ProcessEnv = { ...baseEnv(), ...Object.fromEntries(imageEnv), ...(asMap(svc['environment'], name) as Record<string, string>) };
      for (const [k, v] of Object.entries(env)) if (v !== undefined && mounts.has(v)) env[k] = mounts.get(v);
      // Unmounted image paths (the optional /etc/ledger/config.json) do not exist on the host.
      env['LEDGER_CONFIG'] = join(dir, 'not-mounted', 'config.json');
      for (const [k, v] of Object.entries(env)) expect(v, `${name}: ${k} is a container path compose does not mount`).not.toMatch(/^\/(etc|var\/lib)\/ledger/);
      // What the port mapping does in a container: here each member needs its own ports.
      Object.assign(env, { LEDGER_API_HOST: '127.0.0.1', LEDGER_API_PORT: String(apiBase + i), LEDGER_P2P_LISTEN: `/ip4/127.0.0.1/tcp/${p2pBase + i}` });
      members.push({ name, env, proc: null, api: `http://127.0.0.1:${apiBase + i}` });
    }
    expect(members.map((m) => m.name)).toEqual(['member1', 'member2', 'member3', 'member4']);
    // member4 runs from the config file `ledger init` wrote, mounted at LEDGER_CONFIG.
    const m4 = members[3];
    if (m4 !== undefined) {
      delete m4.env['LEDGER_NAME'];
      m4.env['LEDGER_CONFIG'] = join(dir, 'consortium', 'member4.config.json');
    }
    await mkdir(join(dir, 'logs'));
    for (const m of members) {
      const log = createWriteStream(join(dir, 'logs', `${m.name}.log`));
      m.proc = spawn('sh', [ENTRYPOINT], { env: m.env, stdio: ['ignore', 'pipe', 'pipe'] });
      m.proc.stdout?.pipe(log);
      m.proc.stderr?.pipe(log);
    }
  });

  afterAll(async () => {
    await Promise.all(members.map(async (m) => {
      if (m.proc === null) return;
      const gone = exited(m.proc);
      m.proc.kill('SIGKILL');
      await gone;
    }));
    await rm(dir, { recursive: true, force: true });
  });

  it('starts all four members, which commit blocks', async () => {
    for (const m of members) {
      await waitUntil(async () => {
        if (m.proc?.exitCode !== null) throw new Error(`${m.name} exited; see its log`);
        const s = await getJson<{ height: number; ready: boolean; node: string }>(`${m.api}/v1/status`);
        // An idle chain writes no block (docs/protocol.md R24): ready is the signal.
        return s.body.ready && s.body.node === m.name;
      }, `${m.name} ready (logs in ${dir}/logs)`, 90_000);
    }
  });

  it('execs node, so the process compose would signal is the node itself', async () => {
    const pid = members[0]?.proc?.pid;
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    expect(cmdline[0]).toMatch(/node$/);
    expect(cmdline.some((a) => a.endsWith('dist/src/cli/main.js'))).toBe(true);
  });

  it('health check script: healthy for a running member, unhealthy for a closed port', async () => {
    const run = (port: string): Promise<number | null> =>
      new Promise((res) => spawn(process.execPath, [HEALTHCHECK], { env: { ...baseEnv(), LEDGER_API_PORT: port }, stdio: 'ignore' }).once('exit', (c) => res(c)));
    expect(await run(String(apiBase))).toBe(0);
    const closed = await freePortRange(1);
    expect(await run(String(closed))).toBe(1);
  });

  it('stops every member cleanly on SIGTERM (exit code 0)', async () => {
    for (const m of members) {
      const p = m.proc as ChildProcess;
      const gone = exited(p);
      p.kill('SIGTERM');
      expect(await gone, m.name).toEqual({ code: 0, signal: null });
      m.proc = null;
    }
  });

  it('refuses to start without a usable configuration, saying what to do', async () => {
    const m1 = members[0]?.env ?? {};
    const noName = await runEntrypoint([], { ...m1, LEDGER_NAME: '' });
    expect(noName.code).toBe(1);
    expect(noName.err).toMatch(/no config file at .*set LEDGER_NAME/);
    const badName = await runEntrypoint(['start'], { ...m1, LEDGER_NAME: 'a"b' });
    expect(badName.code).toBe(1);
    expect(badName.err).toContain('may only hold letters');
    const noKey = await runEntrypoint([], { ...m1, LEDGER_KEY_FILE: join(dir, 'missing.key.json') });
    expect(noKey.code).toBe(1);
    expect(noKey.err).toMatch(/key file .*missing\.key\.json is missing or not readable/);
    const noGenesis = await runEntrypoint([], { ...m1, LEDGER_GENESIS_FILE: '' });
    expect(noGenesis.code).toBe(1);
    expect(noGenesis.err).toContain('LEDGER_GENESIS_FILE is not set');
    const noCli = await runEntrypoint(['--help'], { ...m1, LEDGER_CLI: join(dir, 'nothing.js') });
    expect(noCli.code).toBe(1);
    expect(noCli.err).toContain('ledger CLI not found');
  });

  it('ledger init --hosts writes the genesis compose.yml expects: service names as /dns4 addresses, image ports', async () => {
    const out = join(dir, 'compose-consortium');
    const names = members.map((m) => m.name);
    const init = await runEntrypoint(['init', '--plaintext', '--hosts', names.join(','), '--out', out, '--chain-id', 'docker-hosts'], baseEnv());
    expect(init.code, init.err).toBe(0);
    const imageEnv = envOf(parseDockerfile(await readFile('docker/Dockerfile', 'utf8')).stages.at(-1) ?? { from: '', name: null, instructions: [] });
    const p2pPort = (imageEnv.get('LEDGER_P2P_LISTEN') ?? '').split('/').pop();
    const genesis = JSON.parse(await readFile(join(out, 'genesis.json'), 'utf8')) as { members: { name: string; address: string }[] };
    expect(genesis.members.map((m) => m.address)).toEqual(names.map((n) => `/dns4/${n}/tcp/${p2pPort}`));
    for (const n of names) {
      const config = JSON.parse(await readFile(join(out, `${n}.config.json`), 'utf8')) as Record<string, unknown>;
      expect(config).toMatchObject({ name: n, keyFile: `${n}.key.json`, apiHost: imageEnv.get('LEDGER_API_HOST'), apiPort: Number(imageEnv.get('LEDGER_API_PORT')), p2pListen: imageEnv.get('LEDGER_P2P_LISTEN') });
    }
    const mismatch = await runEntrypoint(['init', '--hosts', 'a,b', '--members', '4', '--out', join(dir, 'bad')], baseEnv());
    expect(mismatch.code).toBe(2);
    expect(mismatch.err).toContain('--hosts names 2 hosts for 4 members');
  });

  it('passes flags to ledger start and commands to ledger', async () => {
    const help = await runEntrypoint(['--help'], baseEnv());
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: ledger <command>');
    for (const flag of ['--version', '-V']) {
      const version = await runEntrypoint([flag], baseEnv());
      expect(version.code, version.err).toBe(0);
      expect(version.out).toMatch(/^ledger \S+ \(commit \S+\)\n$/);
    }
    const startHelp = await runEntrypoint(['start', '--help'], baseEnv());
    expect(startHelp.code).toBe(0);
    expect(startHelp.out).toContain('Usage: ledger start --config FILE');
    const keygen = await runEntrypoint(['keygen', '--out', join(dir, 'k.json'), '--json'], { ...baseEnv(), LEDGER_KEY_PASSPHRASE: 'correct horse' });
    expect(keygen.code).toBe(0);
    expect(JSON.parse(keygen.out.trim().split('\n').at(-1) ?? '')).toMatchObject({ publicKey: expect.stringMatching(/^[0-9a-f]{64}$/), encrypted: true });
  });
});
