import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readBuildInfo } from '../../../src/node/build-info.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

function gitHead(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

describe('build info', () => {
  it('takes the version from package.json and the commit from LEDGER_COMMIT when set', () => {
    expect(readBuildInfo({ LEDGER_COMMIT: ' 0123abc \n' })).toEqual({ version: pkg.version, commit: '0123abc' });
  });

  it('asks git for the commit without LEDGER_COMMIT (unknown outside a checkout)', () => {
    const info = readBuildInfo({ LEDGER_COMMIT: '' });
    expect(info.version).toBe(pkg.version);
    expect(info.commit).toBe(gitHead());
    expect(info.commit).toMatch(/^([0-9a-f]{40}|unknown)$/);
  });
});
