/**
 * Named places where the e2e tests kill the process (cometbft `fail.Fail`, but named). Each
 * sits next to a durable write, so the tests can prove that a crash on either side of it
 * leaves a directory the node restarts from.
 */
export const CRASH_POINTS = [
  /** BlockStore.commitBlock: ops built, nothing written. */
  'before-block-batch',
  /** BlockStore.commitBlock: block batch synced, caller not yet told. */
  'after-block-batch',
  /** KvSafetyStore.save: nothing written. */
  'before-safety-save',
  /** KvSafetyStore.save: safety state synced, caller (and so the vote) not yet released. */
  'after-safety-save',
  /** BlockStore.initChain: chain identity synced, no block yet. */
  'after-chain-init',
] as const;

/** One of CRASH_POINTS. */
export type CrashPointName = (typeof CRASH_POINTS)[number];

// Read once at load: a crash point must cost nothing but a string compare when disarmed.
const armedAt: string | undefined = process.env['LEDGER_CRASH_AT'];
const crashAfter = parseCrashAfter(process.env['LEDGER_CRASH_AFTER']);
let hits = 0;

function parseCrashAfter(raw: string | undefined): number {
  if (raw === undefined) return 1;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= 1 ? n : 1;
}

/**
 * Does nothing unless env LEDGER_CRASH_AT equals `name`; then SIGKILLs this process on the
 * LEDGER_CRASH_AFTER-th hit (default the first). SIGKILL, not exit: no finally blocks, no
 * flushes, no close handlers, exactly like a power cut as far as this process is concerned.
 */
export function crashPoint(name: CrashPointName): void {
  if (armedAt !== name) return;
  hits++;
  if (hits >= crashAfter) process.kill(process.pid, 'SIGKILL');
}
