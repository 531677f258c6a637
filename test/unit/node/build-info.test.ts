import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildInfo, readBuildInfo } from '../../../src/node/build-info.js';

// A fake install laid out like the image (docker/Dockerfile): package.json at the root,
// dist/build-info.json written by `npm run build`, the module in dist/src/node.
describe('build info (version from package.json, commit from LEDGER_COMMIT or dist/build-info.json)', () => {
  let root = '';
  let moduleDir = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ledger-build-info-'));
    moduleDir = join(root, 'dist', 'src', 'node');
    await mkdir(moduleDir, { recursive: true });
    await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'consortium-ledger', version: '3.4.5' }));
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  it('reads the version and the recorded commit, and LEDGER_COMMIT wins over the file', async () => {
    await writeFile(join(root, 'dist', 'build-info.json'), JSON.stringify({ commit: 'abc1234' }));
    expect(readBuildInfo(moduleDir, {})).toEqual({ version: '3.4.5', commit: 'abc1234' });
    expect(readBuildInfo(moduleDir, { LEDGER_COMMIT: 'def5678' })).toEqual({ version: '3.4.5', commit: 'def5678' });
    // A value that is not a commit or tag (spaces, newlines) is not shown.
    expect(readBuildInfo(moduleDir, { LEDGER_COMMIT: 'x y\n' }).commit).toBe('abc1234');
  });

  it("falls back to 'unknown' without a build-info file, and skips another project's package.json", async () => {
    await rm(join(root, 'dist', 'build-info.json'));
    await writeFile(join(root, 'dist', 'package.json'), JSON.stringify({ name: 'something-else', version: '9.9.9' }));
    expect(readBuildInfo(moduleDir, {})).toEqual({ version: '3.4.5', commit: 'unknown' });
    expect(readBuildInfo(join(tmpdir(), 'no-such-project', 'node'), {})).toEqual({ version: 'unknown', commit: 'unknown' });
  });

  it('this checkout: the version of package.json', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    expect(buildInfo().version).toBe(pkg.version);
  });

  it('the build step (dist/src/node/write-build-info.js) records LEDGER_COMMIT, else HEAD of a git checkout, else unknown', async () => {
    // The compiled writer and its one import, copied into a fresh project folder.
    const proj = join(root, 'proj');
    const dist = join(proj, 'dist', 'src', 'node');
    await mkdir(dist, { recursive: true });
    for (const f of ['write-build-info.js', 'build-info.js']) await writeFile(join(dist, f), await readFile(join('dist', 'src', 'node', f)));
    await writeFile(join(proj, 'package.json'), JSON.stringify({ name: 'consortium-ledger', version: '3.4.6', type: 'module' }));
    const write = (env: NodeJS.ProcessEnv): string => {
      execFileSync(process.execPath, [join(dist, 'write-build-info.js')], { cwd: proj, env: { PATH: process.env['PATH'], ...env }, stdio: 'ignore' });
      return readBuildInfo(dist, {}).commit;
    };
    expect(write({ LEDGER_COMMIT: 'feedc0de' })).toBe('feedc0de');
    expect(write({})).toBe('unknown');
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: proj, encoding: 'utf8', env: { PATH: process.env['PATH'], HOME: proj, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } }).trim();
    git('init', '-q');
    git('add', 'package.json');
    git('commit', '-q', '-m', 'x');
    expect(write({})).toBe(git('rev-parse', 'HEAD'));
    expect(readBuildInfo(dist, {}).version).toBe('3.4.6');
  });
});
