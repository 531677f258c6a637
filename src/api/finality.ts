import { toHex } from '../util/bytes.js';
import type { Height } from '../types/primitives.js';
import type { ApiDeps, BlockRecord } from './deps.js';
import { ApiError } from './errors.js';
import { headerToJson, qcToJson } from './json.js';
import type { HeaderJson, QuorumCertJson } from './schemas/chain.js';

/** The finality fields of an answer (schemas/chain.ts FinalityFields). */
export interface FinalityJson {
  header: HeaderJson;
  blockHash: string;
  commitQc: QuorumCertJson;
  certifiedHeight: number;
  links: HeaderJson[];
}

/**
 * The header of `rec`, its commit certificate and, when that certificate finalised a later
 * block, the headers in between, so a client can walk parent hashes from the certified block
 * down to this one (src/client/verify.ts). Ancestors committed together with a descendant are
 * few (one per view that failed to certify), so the walk is short. Past the last block of an
 * epoch the walk continues through that block's stored suffix (docs/protocol.md R20).
 */
export async function loadFinality(deps: FinalityDeps, rec: BlockRecord): Promise<FinalityJson> {
  const c = rec.committed;
  const height = c.block.header.height;
  const links: HeaderJson[] = [];
  let at = c;
  for (let h = height + 1; h <= c.certifiedHeight; h++) {
    if (at.suffix !== undefined && at.suffix.length > 0) {
      for (const s of at.suffix) links.push(headerToJson(s));
      break;
    }
    const link = await storedLink(deps, h);
    links.push(headerToJson(link.committed.block.header));
    at = link.committed;
  }
  return {
    header: headerToJson(c.block.header),
    blockHash: toHex(c.hash),
    commitQc: qcToJson(c.commitQc),
    certifiedHeight: c.certifiedHeight,
    links,
  };
}

/** What loadFinality reads: blocks, and commit notices to wait for one being written. */
export type FinalityDeps = Pick<ApiDeps, 'getBlock' | 'onBlockCommitted'>;

/** How long a read waits for the rest of a commit being written before answering 503. */
export const LINK_WAIT_MS = 5_000;

// Blocks committed together are written one batch each, lowest first (src/node/chain.ts
// persist), so a reader can find a block before the later one its certificate names: that one
// is being written now, and the read waits for it (subscribed before looking, so its notice
// cannot slip between the look and the wait).
async function storedLink(deps: FinalityDeps, h: Height): Promise<BlockRecord> {
  let off = (): void => undefined;
  let timer: NodeJS.Timeout | undefined;
  const stored = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, LINK_WAIT_MS);
    off = deps.onBlockCommitted((height) => {
      if (height >= h) resolve();
    });
  });
  try {
    const now = await deps.getBlock(h);
    if (now !== null) return now;
    await stored;
    const later = await deps.getBlock(h);
    if (later !== null) return later;
    throw new ApiError('COMMIT_IN_PROGRESS', `block ${h}, which certifies this answer's block, is still being written; retry`);
  } finally {
    clearTimeout(timer);
    off();
  }
}
