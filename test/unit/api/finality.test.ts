import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BlockRecord } from '../../../src/api/deps.js';
import { LINK_WAIT_MS, loadFinality, type FinalityDeps } from '../../../src/api/finality.js';
import { ApiError } from '../../../src/api/errors.js';
import { FakeChain } from './fake-chain.js';

// Two blocks committed together (the first as the second's ancestor) are written one batch
// each: a reader can find the first while the second, which its certificate names, is not
// stored yet. That read must wait for it, not fail with a 5xx.
function halfWritten(): { deps: FinalityDeps; first: BlockRecord; store: () => void } {
  const chain = new FakeChain();
  const [first] = chain.commit([[], []]);
  if (first === undefined) throw new Error('no block');
  let stored = 1;
  const listeners: ((h: number) => void)[] = [];
  const deps: FinalityDeps = {
    getBlock: async (h) => (h <= stored ? chain.block(h) : null),
    onBlockCommitted: (l) => {
      listeners.push(l);
      return () => listeners.splice(listeners.indexOf(l), 1);
    },
  };
  const store = (): void => {
    stored = 2;
    for (const l of [...listeners]) l(2);
  };
  return { deps, first, store };
}

describe('loadFinality while a commit is being written', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits for the certified block and links its header', async () => {
    const { deps, first, store } = halfWritten();
    expect(first.committed.certifiedHeight).toBe(2);
    let settled = false;
    const answer = loadFinality(deps, first).finally(() => {
      settled = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(settled, 'the answer waits while block 2 is not stored').toBe(false);
    store();
    const f = await answer;
    expect(f.certifiedHeight).toBe(2);
    expect(f.links.map((l) => l.height)).toEqual([2]);
  });

  it('answers 503 COMMIT_IN_PROGRESS when the block never arrives', async () => {
    vi.useFakeTimers();
    const { deps, first } = halfWritten();
    const answer = loadFinality(deps, first);
    const failed = expect(answer).rejects.toSatisfy((e: unknown) => e instanceof ApiError && e.code === 'COMMIT_IN_PROGRESS' && e.statusCode === 503);
    await vi.advanceTimersByTimeAsync(LINK_WAIT_MS);
    await failed;
  });
});
