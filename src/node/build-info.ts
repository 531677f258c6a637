import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What build this process runs: shown by `ledger --version`, /v1/status and ledger_build_info. */
export interface BuildInfo {
  /** package.json version. */
  readonly version: string;
  /** Git commit (full hash), or 'unknown' outside a checkout without LEDGER_COMMIT. */
  readonly commit: string;
}

const PACKAGE_NAME = 'consortium-ledger';

// The same file runs from src/node (tsx, tests) and dist/src/node (the built CLI, the image),
// so the package root is found by walking up rather than by a fixed relative path.
function packageRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === PACKAGE_NAME) return dir;
    } catch {
      // no package.json here: keep walking up
    }
    dir = dirname(dir);
  }
  return null;
}

function readVersion(root: string | null): string {
  if (root === null) return 'unknown';
  try {
    const v = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof v === 'string' && v.length > 0 ? v : 'unknown';
  } catch {
    return 'unknown';
  }
}

// An image has no .git: its build passes the commit in LEDGER_COMMIT. A checkout asks git.
function readCommit(root: string | null, env: NodeJS.ProcessEnv): string {
  const fromEnv = env['LEDGER_COMMIT']?.trim();
  if (fromEnv !== undefined && fromEnv.length > 0) return fromEnv;
  if (root === null) return 'unknown';
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 }).trim();
    return /^[0-9a-f]{40}$/.test(out) ? out : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Looks version and commit up now (tests pass their own env). */
export function readBuildInfo(env: NodeJS.ProcessEnv): BuildInfo {
  const root = packageRoot();
  return { version: readVersion(root), commit: readCommit(root, env) };
}

let cached: BuildInfo | null = null;

/** Version and commit of this build, looked up once per process. */
export function buildInfo(): BuildInfo {
  cached ??= readBuildInfo(process.env);
  return cached;
}
