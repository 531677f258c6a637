// The container files agree with each other and with the CLI, without any container engine:
// docker/Dockerfile, docker/compose.yml, docker/member.compose.yml, docker/entrypoint.sh,
// docker/healthcheck.mjs and .dockerignore against src/node/config.ts (CONFIG_ENV) and the
// file names `ledger init` writes. docker/test-containers.sh runs them for real with podman;
// test/e2e/docker-entrypoint.test.ts runs the entrypoint as plain processes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_ENV } from '../../../src/node/config.js';
import { hostMultiaddr } from '../../../src/node/init-consortium.js';
import { MEMBER_NODE_FLAGS } from '../../../src/node/devnet.js';
import { asMap, asString, asStrings, parseComposeSubset, type ComposeValue } from './compose-subset.js';
import { envOf, execForm, instructionsOf, parseDockerfile, type Stage } from './dockerfile.js';

const read = (p: string): string => readFileSync(new URL(`../../../${p}`, import.meta.url), 'utf8');
const dockerfile = parseDockerfile(read('docker/Dockerfile'));
const finalStage = dockerfile.stages[dockerfile.stages.length - 1] as Stage;
const imageEnv = envOf(finalStage);
const entrypoint = read('docker/entrypoint.sh');
/** Variables the entrypoint reads besides the node's own (CONFIG_ENV). */
const ENTRYPOINT_ENV = ['LEDGER_NAME', 'LEDGER_CONFIG', 'LEDGER_CLI'];
const KNOWN_ENV = new Set<string>([...Object.values(CONFIG_ENV), ...ENTRYPOINT_ENV]);

function env(name: string): string {
  const v = imageEnv.get(name);
  if (v === undefined) throw new Error(`Dockerfile final stage sets no ${name}`);
  return v;
}

function runCommands(stage: Stage): string {
  return instructionsOf(stage, 'RUN').map((i) => i.args).join('\n');
}

/** Checks one compose service against the image; returns its host API port and data volume. */
function checkService(name: string, svc: ComposeValue | undefined, volumesDeclared: readonly string[]): { apiHostPort: string; volume: string; keySource: string } {
  const s = asMap(svc, name);
  expect(asString(s['image'], `${name}.image`)).toBe('consortium-ledger:latest');
  expect(asString(asMap(s['build'], `${name}.build`)['dockerfile'], `${name}.build.dockerfile`)).toBe('docker/Dockerfile');
  const environment = asMap(s['environment'], `${name}.environment`);
  for (const key of Object.keys(environment)) expect(KNOWN_ENV.has(key), `${name}: unknown variable ${key}`).toBe(true);
  expect(environment['LEDGER_NAME'], `${name}: LEDGER_NAME names the member`).toEqual(expect.any(String));
  const mounts = asStrings(s['volumes'], `${name}.volumes`).map((v) => {
    const [source = '', target = '', mode] = v.split(':');
    return { source, target, mode };
  });
  // The data folder is a named volume at the image's VOLUME, where LEDGER_DATA_DIR points.
  const data = mounts.filter((m) => m.target === env('LEDGER_DATA_DIR'));
  expect(data, `${name}: one mount at the data folder`).toHaveLength(1);
  const volume = data[0]?.source ?? '';
  expect(volumesDeclared, `${name}: data volume ${volume} declared at top level`).toContain(volume);
  // Key and genesis: the env paths are mounted read-only files.
  for (const v of ['LEDGER_KEY_FILE', 'LEDGER_GENESIS_FILE'] as const) {
    const path = asString(environment[v], `${name}.environment.${v}`);
    const m = mounts.find((x) => x.target === path);
    expect(m, `${name}: ${v}=${path} is mounted`).toBeDefined();
    expect(m?.mode, `${name}: ${path} mounted read-only`).toBe('ro');
  }
  expect(mounts.find((m) => m.target === environment['LEDGER_GENESIS_FILE'])?.source).toMatch(/\/genesis\.json$/);
  const keySource = mounts.find((m) => m.target === environment['LEDGER_KEY_FILE'])?.source ?? '';
  // Secrets stay out of the environment: only key paths, never key material.
  for (const [k, v] of Object.entries(environment)) expect(String(v), `${name}.${k}`).not.toMatch(/[0-9a-f]{64}/);
  const ports = asStrings(s['ports'], `${name}.ports`);
  const api = ports.find((p) => p.endsWith(`:${env('LEDGER_API_PORT')}`) && p.startsWith('127.0.0.1:'));
  expect(api, `${name}: REST port ${env('LEDGER_API_PORT')} published on 127.0.0.1`).toBeDefined();
  return { apiHostPort: api?.split(':')[1] ?? '', volume, keySource };
}

describe('docker/Dockerfile', () => {
  it('builds every stage from ARG BASE_IMAGE, defaulting to node:20-bookworm-slim', () => {
    expect(dockerfile.preamble).toContainEqual({ keyword: 'ARG', args: 'BASE_IMAGE=node:20-bookworm-slim' });
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    for (const s of dockerfile.stages) expect(s.from).toBe('${BASE_IMAGE}');
  });

  it('compiles with dev dependencies in a build stage and ships only production dependencies', () => {
    const build = dockerfile.stages.find((s) => /npm run build/.test(runCommands(s)));
    expect(build, 'a stage runs npm run build').toBeDefined();
    expect(runCommands(build as Stage)).toMatch(/npm ci(?![^\n]*--omit=dev)/);
    expect(runCommands(finalStage)).not.toMatch(/npm (ci|install)|npm run build|tsc/);
    const copies = instructionsOf(finalStage, 'COPY').map((c) => c.args);
    const modules = copies.find((c) => / \.?\/?(app\/)?node_modules$|\.\/node_modules$/.test(c));
    const from = /--from=(\S+)/.exec(modules ?? '')?.[1];
    const depsStage = dockerfile.stages.find((s) => s.name === from);
    expect(runCommands(depsStage as Stage), 'node_modules come from an npm ci --omit=dev stage').toMatch(/npm ci --omit=dev --ignore-scripts/);
    // package.json's prepare script would run tsc: every npm ci skips scripts.
    for (const s of dockerfile.stages) for (const m of runCommands(s).matchAll(/npm ci[^\n&;]*/g)) expect(m[0]).toContain('--ignore-scripts');
    expect(copies.some((c) => c.includes('/app/dist/src'))).toBe(true);
  });

  it('runs as the unprivileged node user with the data folder as a volume', () => {
    const users = instructionsOf(finalStage, 'USER').map((u) => u.args);
    expect(users[users.length - 1]).toBe('node');
    const volumes = instructionsOf(finalStage, 'VOLUME').map((v) => execForm(v.args));
    expect(volumes).toEqual([[env('LEDGER_DATA_DIR')]]);
    expect(runCommands(finalStage)).toContain(`chown node:node ${env('LEDGER_DATA_DIR')}`);
  });

  it('sets only variables the node or the entrypoint knows, with container-wide addresses', () => {
    for (const k of imageEnv.keys()) expect(k === 'NODE_ENV' || k === 'NODE_OPTIONS' || KNOWN_ENV.has(k), `unknown ENV ${k}`).toBe(true);
    // The members' V8 flags are the ones devnet gives its members.
    expect(env('NODE_OPTIONS')).toBe(MEMBER_NODE_FLAGS.join(' '));
    expect(env('LEDGER_API_HOST')).toBe('0.0.0.0');
    expect(env('LEDGER_P2P_LISTEN')).toMatch(/^\/ip4\/0\.0\.0\.0\/tcp\/\d+$/);
    const p2pPort = env('LEDGER_P2P_LISTEN').split('/').pop() ?? '';
    const exposed = instructionsOf(finalStage, 'EXPOSE').flatMap((e) => e.args.split(/\s+/));
    expect(exposed.sort()).toEqual([env('LEDGER_API_PORT'), p2pPort].sort());
    // `ledger init --hosts` advertises the same port members listen on in the image.
    expect(hostMultiaddr('member1', Number(p2pPort))).toBe(`/dns4/member1/tcp/${p2pPort}`);
  });

  it('has an exec-form entrypoint and a node-based health check against /v1/status', () => {
    const ep = instructionsOf(finalStage, 'ENTRYPOINT').map((e) => execForm(e.args));
    expect(ep).toEqual([['/app/docker/entrypoint.sh']]);
    expect(instructionsOf(finalStage, 'CMD').map((c) => execForm(c.args))).toEqual([['start']]);
    const hc = instructionsOf(finalStage, 'HEALTHCHECK').map((h) => h.args);
    expect(hc).toHaveLength(1);
    const cmd = execForm((hc[0] ?? '').replace(/^.*?CMD\s+/, ''));
    expect(cmd).toEqual(['node', '/app/docker/healthcheck.mjs']);
    const copied = instructionsOf(finalStage, 'COPY').map((c) => c.args).join('\n');
    expect(copied).toMatch(/docker\/entrypoint\.sh docker\/healthcheck\.mjs/);
    const health = read('docker/healthcheck.mjs');
    expect(health).toContain('/v1/status');
    expect(health).toContain('process.env.LEDGER_API_PORT');
    expect(health).toContain('body.ready === true');
  });

  it('labels the image with version and revision from build args, and records the commit where ledger --version reads it', () => {
    const labels = instructionsOf(finalStage, 'LABEL').map((l) => l.args).join(' ');
    expect(labels).toContain('org.opencontainers.image.version="${LEDGER_VERSION}"');
    expect(labels).toContain('org.opencontainers.image.revision="${LEDGER_COMMIT}"');
    const args = instructionsOf(finalStage, 'ARG').map((a) => a.args.split('=')[0]);
    expect(args).toEqual(expect.arrayContaining(['LEDGER_VERSION', 'LEDGER_COMMIT']));
    // The build stage sees the commit when `npm run build` writes dist/build-info.json...
    const build = dockerfile.stages.find((s) => /npm run build/.test(runCommands(s))) as Stage;
    const buildSteps = build.instructions.map((i) => `${i.keyword} ${i.args}`);
    const argAt = buildSteps.findIndex((i) => /^ARG LEDGER_COMMIT\b/.test(i));
    expect(argAt, 'ARG LEDGER_COMMIT in the build stage').toBeGreaterThanOrEqual(0);
    expect(argAt).toBeLessThan(buildSteps.findIndex((i) => /npm run build/.test(i)));
    const script = /npm run (\S+)/.exec(runCommands(build))?.[1] ?? '';
    expect(JSON.parse(read('package.json')).scripts[script], `the script the image builds with (${script})`).toMatch(/write-build-info/);
    // ...and the final stage ships that file next to dist/src, where build-info.ts looks.
    expect(instructionsOf(finalStage, 'COPY').map((c) => c.args)).toContain('--from=build /app/dist/build-info.json ./dist/build-info.json');
  });

  it('keeps secrets out of layers: no ARG or ENV with key material, CA only as a build secret', () => {
    for (const s of dockerfile.stages) {
      for (const i of [...instructionsOf(s, 'ARG'), ...instructionsOf(s, 'ENV')]) expect(i.args).not.toMatch(/TOKEN|PASSWORD|SECRET|NPM_CA|_KEY=/i);
      for (const c of instructionsOf(s, 'COPY')) expect(c.args).not.toMatch(/\.key\.json|npmrc|\.pem|\.crt/);
      for (const r of runCommands(s).split('\n')) if (r.includes('npm_ca')) expect(r).toContain('--mount=type=secret,id=npm_ca');
    }
  });
});

describe('docker/entrypoint.sh', () => {
  it('execs node (PID 1 gets SIGTERM) and defaults to the paths the image sets', () => {
    expect(entrypoint).toMatch(/^exec node "\$cli" "\$@"$/m);
    expect(entrypoint).toContain(`LEDGER_CONFIG:-${env('LEDGER_CONFIG')}`);
    expect(entrypoint).toContain('$here/../dist/src/cli/main.js');
    for (const v of entrypoint.matchAll(/\b(LEDGER_[A-Z0-9_]+)/g)) expect(KNOWN_ENV.has(v[1] ?? ''), `entrypoint uses unknown ${v[1]}`).toBe(true);
  });
});

describe('docker/compose.yml', () => {
  const compose = asMap(parseComposeSubset(read('docker/compose.yml')), 'compose.yml');
  const services = asMap(compose['services'], 'services');
  const volumes = Object.keys(asMap(compose['volumes'], 'volumes'));

  it('runs four members, each its own service, host name, volume, key and REST port', () => {
    const names = Object.keys(services);
    expect(names).toEqual(['member1', 'member2', 'member3', 'member4']);
    const seen = names.map((n) => {
      const r = checkService(n, services[n], volumes);
      const s = asMap(services[n], n);
      // The host name is the one `ledger init --hosts member1,...` puts in genesis.
      expect(s['hostname']).toBe(n);
      expect(asMap(s['environment'], n)['LEDGER_NAME']).toBe(n);
      // `ledger init` writes memberI.key.json next to genesis.json.
      expect(r.keySource).toMatch(new RegExp(`/${n}\\.key\\.json$`));
      return r;
    });
    for (const k of ['apiHostPort', 'volume', 'keySource'] as const) expect(new Set(seen.map((r) => r[k])).size, `distinct ${k}`).toBe(4);
    expect(seen.map((r) => r.apiHostPort)).toEqual(['8081', '8082', '8083', '8084']);
  });

  it('lets the test move the consortium folder and host ports through variables', () => {
    const moved = asMap(parseComposeSubset(read('docker/compose.yml'), { LEDGER_CONSORTIUM_DIR: '/x', MEMBER2_API_PORT: '9999' }), 'compose');
    const m2 = asMap(asMap(moved['services'], 'services')['member2'], 'member2');
    expect(asStrings(m2['volumes'], 'volumes')).toContain('/x/member2.key.json:/etc/ledger/member.key.json:ro');
    expect(asStrings(m2['ports'], 'ports')).toEqual([`127.0.0.1:9999:${env('LEDGER_API_PORT')}`]);
  });
});

describe('docker/member.compose.yml', () => {
  it('runs one member that publishes its p2p port and keeps REST on loopback', () => {
    const compose = asMap(parseComposeSubset(read('docker/member.compose.yml')), 'member.compose.yml');
    const services = asMap(compose['services'], 'services');
    expect(Object.keys(services)).toEqual(['ledger']);
    checkService('ledger', services['ledger'], Object.keys(asMap(compose['volumes'], 'volumes')));
    const p2pPort = env('LEDGER_P2P_LISTEN').split('/').pop() ?? '';
    expect(asStrings(asMap(services['ledger'], 'ledger')['ports'], 'ports')).toContain(`${p2pPort}:${p2pPort}`);
  });
});

describe('.dockerignore', () => {
  it('keeps dependencies, build output, history, data and keys out of the build context', () => {
    const entries = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
    for (const e of ['node_modules', 'dist', '.git', 'bench/results', '.devnet', '**/data', '**/*.key.json']) expect(entries).toContain(e);
    // What the Dockerfile copies must not be ignored.
    for (const e of ['src', 'test', 'bench', 'docker', 'package.json', 'package-lock.json']) expect(entries).not.toContain(e);
  });
});
