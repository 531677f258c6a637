import { describe, expect, it } from 'vitest';
import { BlockFetcher } from '../../../src/consensus/core/block-fetcher.js';
import { BlockTree, rootFromHead } from '../../../src/consensus/core/block-tree.js';
import type { CoreRequest } from '../../../src/consensus/core/types.js';
import { sha256 } from '../../../src/crypto/hash.js';
import { toHex, utf8 } from '../../../src/util/bytes.js';
import { genesisHead } from './fixture.js';

const hashAt = (h: number, fork = 0) => sha256(utf8(`certified block ${h}/${fork}`));

function fetcher(): { f: BlockFetcher; tree: BlockTree; requests: CoreRequest[] } {
  const tree = new BlockTree(rootFromHead(genesisHead));
  const requests: CoreRequest[] = [];
  const f = new BlockFetcher({ self: 3, memberCount: 4, maxFetchGap: 64 }, tree, (r) => requests.push(r));
  return { f, tree, requests };
}

describe('block fetcher after a sync', () => {
  it('forgets wanted blocks a sync committed: no re-requests, and new wants are still fetched', () => {
    // docs/protocol.md R17: a certified hash the node lacks is requested; once committed (by sync, R18) it is no longer wanted
    const { f, tree, requests } = fetcher();
    for (let h = 1; h <= 64; h++) f.want(hashAt(h), h, 0);
    expect(requests.filter((r) => r.kind === 'fetchBlocks')).toHaveLength(64);
    // A sync commits heights 1..64: the core moves its root there (onSyncCompleted).
    f.synced();
    tree.resetRoot({ height: 64, hash: hashAt(64), view: 64, epoch: 0, timestampMs: 64 });
    f.connect();
    requests.length = 0;
    f.retry();
    expect(requests, 'nothing below the root is asked for again').toEqual([]);
    f.want(hashAt(70), 70, 1);
    expect(requests).toEqual([expect.objectContaining({ kind: 'fetchBlocks', hash: hashAt(70), from: 1 })]);
  });

  it('keeps fetching when 64 wanted blocks above the root stay unanswered: the oldest want gives way', () => {
    // docs/protocol.md R17: retrieval is bounded per node but never stops
    const { f, requests } = fetcher();
    for (let fork = 0; fork < 64; fork++) f.want(hashAt(10, fork), 10, 0);
    requests.length = 0;
    f.want(hashAt(11), 11, 2);
    expect(requests).toEqual([expect.objectContaining({ kind: 'fetchBlocks', hash: hashAt(11), from: 2 })]);
    requests.length = 0;
    f.retry();
    expect(requests, 'still 64 wanted, the first one dropped').toHaveLength(64);
    const asked = requests.map((r) => (r.kind === 'fetchBlocks' ? toHex(r.hash) : ''));
    expect(asked).not.toContain(toHex(hashAt(10, 0)));
    expect(asked).toContain(toHex(hashAt(11)));
  });
});
