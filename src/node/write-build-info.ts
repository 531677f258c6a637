// Run by `npm run build` after tsc: records which commit the build came from in
// dist/build-info.json, where build-info.ts finds it at run time. LEDGER_COMMIT wins (a docker
// build has no .git; docker/Dockerfile passes the commit as a build argument); otherwise
// `git rev-parse HEAD` when the project folder is itself a git checkout; otherwise 'unknown'.
import { execFileSync } from 'node:child_process';
import { realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_INFO_FILE, COMMIT_ENV, cleanCommit } from './build-info.js';

function gitCommit(root: string): string | null {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    // A project unpacked inside some other repository must not take that repository's commit.
    if (realpathSync(git('rev-parse', '--show-toplevel')) !== realpathSync(root)) return null;
    return cleanCommit(git('rev-parse', 'HEAD'));
  } catch {
    return null;
  }
}

const dist = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const commit = cleanCommit(process.env[COMMIT_ENV]) ?? gitCommit(dirname(dist)) ?? 'unknown';
writeFileSync(join(dist, BUILD_INFO_FILE), JSON.stringify({ commit }) + '\n');
process.stdout.write(`${join(dist, BUILD_INFO_FILE)}: commit ${commit}\n`);
