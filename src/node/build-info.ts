import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Which build of the node is running, for `ledger --version`, /v1/status and metrics: the
 * version from package.json and the git commit it was built from. An operator compares them
 * across members during a rolling upgrade.
 */
export interface BuildInfo {
  /** package.json `version`, e.g. 0.1.0. */
  readonly version: string;
  /** Git commit (full hash) the build came from, or 'unknown'. */
  readonly commit: string;
}

/** The file `npm run build` writes next to the compiled code (dist/build-info.json). */
export const BUILD_INFO_FILE = 'build-info.json';
/** Overrides the recorded commit, at build time (docker build-arg) or at run time. */
export const COMMIT_ENV = 'LEDGER_COMMIT';
const PACKAGE_NAME = 'consortium-ledger';
const UNKNOWN = 'unknown';
// A commit hash or a release tag; anything else (spaces, control characters) is not shown.
const COMMIT_RE = /^[A-Za-z0-9._+-]{1,80}$/;

function readJson(path: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A commit value if it looks like one, else null. */
export function cleanCommit(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return COMMIT_RE.test(t) ? t : null;
}

/**
 * Reads the build info, walking up from `fromDir` (the compiled module's folder: dist/src/node
 * in a build, src/node from source): the first build-info.json on the way holds the commit and
 * the first package.json of this project the version. LEDGER_COMMIT in `env` wins over the file.
 */
export function readBuildInfo(fromDir: string, env: NodeJS.ProcessEnv): BuildInfo {
  let version: string | null = null;
  let commit: string | null = cleanCommit(env[COMMIT_ENV]);
  for (let dir = fromDir; ; dir = dirname(dir)) {
    if (commit === null) commit = cleanCommit(readJson(join(dir, BUILD_INFO_FILE))?.['commit']);
    const pkg = readJson(join(dir, 'package.json'));
    if (pkg?.['name'] === PACKAGE_NAME && typeof pkg['version'] === 'string') {
      version = pkg['version'];
      break;
    }
    if (dirname(dir) === dir) break;
  }
  return { version: version ?? UNKNOWN, commit: commit ?? UNKNOWN };
}

let cached: BuildInfo | null = null;

/** This process's build info (read once; the files do not change under a running node). */
export function buildInfo(): BuildInfo {
  cached ??= readBuildInfo(dirname(fileURLToPath(import.meta.url)), process.env);
  return cached;
}
