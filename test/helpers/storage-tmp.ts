import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Fresh, empty temp directory for a storage test. */
export function makeStorageTmpDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `ledger-${label}-`));
}

/** Removes a directory made by makeStorageTmpDir. */
export function removeStorageTmpDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}
