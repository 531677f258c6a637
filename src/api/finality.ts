import { toHex } from '../util/bytes.js';
import { invariant } from '../util/errors.js';
import type { ApiDeps, BlockRecord } from './deps.js';
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
export async function loadFinality(deps: Pick<ApiDeps, 'getBlock'>, rec: BlockRecord): Promise<FinalityJson> {
  const c = rec.committed;
  const height = c.block.header.height;
  const links: HeaderJson[] = [];
  let at = c;
  for (let h = height + 1; h <= c.certifiedHeight; h++) {
    if (at.suffix !== undefined && at.suffix.length > 0) {
      for (const s of at.suffix) links.push(headerToJson(s));
      break;
    }
    const link = await deps.getBlock(h);
    invariant(link !== null, `block ${h} below certified height ${c.certifiedHeight} is missing from the store`);
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
