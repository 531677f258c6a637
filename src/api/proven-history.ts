import { fromHex } from '../util/bytes.js';
import { invariant } from '../util/errors.js';
import type { ApiDeps } from './deps.js';
import { txAnswer } from './routes/transactions.js';
import type { HistoryEntryJson } from './schemas/common.js';
import type { ProvenHistory } from './schemas/entity-proofs.js';

/**
 * A page of history whose entries each carry the inclusion proof of their transaction (the answer of
 * GET /v1/transactions/:hash). Entries of one transaction share one answer.
 */
export async function provenHistory(
  deps: ApiDeps,
  id: string,
  page: { readonly items: readonly HistoryEntryJson[]; readonly nextCursor: string | null },
): Promise<ProvenHistory> {
  const answers = new Map<string, ProvenHistory['items'][number]['tx']>();
  const out: ProvenHistory['items'] = [];
  for (const e of page.items) {
    let tx = answers.get(e.txHash);
    if (tx === undefined) {
      const a = await txAnswer(deps, fromHex(e.txHash) as Uint8Array);
      invariant(a !== null, `history names transaction ${e.txHash}, which the node does not hold`);
      tx = a;
      answers.set(e.txHash, tx);
    }
    out.push({ ...e, tx });
  }
  return { id, items: out, nextCursor: page.nextCursor };
}
