import type { ComponentChildren } from 'preact';
import type { BlockJson } from '../../client/wire.js';
import type { Session } from '../session.js';
import { checkBlock } from '../verifier.js';
import { Badge, Pending, Short, useLoad, useVerdict } from './common.js';

// Governance: member-set proposals and their votes. The API has no proposal route, so they are
// read from the blocks themselves (member.propose / member.vote transactions), and each is
// covered by the verdict of the block that holds it.

/** Blocks scanned, newest first: the API indexes blocks by height only. */
const SCAN_MAX = 5_000;
const PAGE = 100;

interface GovTx {
  readonly block: BlockJson;
  readonly index: number;
}

interface Proposal extends GovTx {
  readonly id: string;
  readonly votes: GovTx[];
}

async function scan(s: Session): Promise<{ proposals: Proposal[]; orphanVotes: GovTx[]; from: number; to: number }> {
  const head = (await s.client.status()).height;
  const from = Math.max(1, head - SCAN_MAX + 1);
  const proposals = new Map<string, Proposal>();
  const votes: GovTx[] = [];
  for (let h = from; h <= head; h += PAGE) {
    const page = await s.client.blocks({ from: h, limit: PAGE });
    for (const block of page.items) {
      block.txs.forEach((t, index) => {
        if (t.type === 'member.propose') proposals.set(t.hash, { id: t.hash, block, index, votes: [] });
        else if (t.type === 'member.vote') votes.push({ block, index });
      });
    }
  }
  const orphanVotes: GovTx[] = [];
  for (const v of votes) {
    const p = proposals.get(String(v.block.txs[v.index]?.payload['proposalId']));
    if (p === undefined) orphanVotes.push(v);
    else p.votes.push(v);
  }
  return { proposals: [...proposals.values()].reverse(), orphanVotes, from, to: head };
}

function BlockBadge({ s, block }: { s: Session; block: BlockJson }): ComponentChildren {
  const v = useVerdict(() => checkBlock(block, s.trust, s.client), [block.hash]);
  return <Badge v={v} />;
}

function Outcome({ g }: { g: GovTx }): ComponentChildren {
  const r = g.block.receipts[g.index];
  return <>{r?.ok === true ? 'committed' : `rejected ${r?.code ?? ''}`}</>;
}

function ProposalCard({ s, p }: { s: Session; p: Proposal }): ComponentChildren {
  const tx = p.block.txs[p.index];
  const payload = (tx?.payload ?? {}) as { action?: string; member?: { name?: string; publicKey?: string; address?: string } };
  return (
    <section class="card wide proposal">
      <h3>
        {payload.action} member {payload.member?.name} · proposal <a href={`#/tx/${p.id}`}><Short hex={p.id} /></a>
      </h3>
      <p>
        proposed by <Short hex={tx?.signer ?? ''} /> in block <a href={`#/blocks/${p.block.header.height}`}>{p.block.header.height}</a> · <Outcome g={p} /> · key{' '}
        <Short hex={payload.member?.publicKey ?? ''} /> · <code>{payload.member?.address}</code> <BlockBadge s={s} block={p.block} />
      </p>
      <table class="list">
        <thead><tr><th>vote</th><th>by</th><th>block</th><th>outcome</th><th>verification</th></tr></thead>
        <tbody>
          {p.votes.map((v) => {
            const t = v.block.txs[v.index];
            return (
              <tr key={t?.hash}>
                <td>{t?.payload['approve'] === true ? 'approve' : 'reject'}</td>
                <td><Short hex={t?.signer ?? ''} /></td>
                <td><a href={`#/blocks/${v.block.header.height}`}>{v.block.header.height}</a></td>
                <td><Outcome g={v} /></td>
                <td><BlockBadge s={s} block={v.block} /></td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

export function GovernancePage({ s }: { s: Session }): ComponentChildren {
  const [r, error] = useLoad(() => scan(s), [s]);
  if (r === undefined) return <section class="card"><h2>Governance</h2><Pending error={error} /></section>;
  return (
    <div>
      <section class="card wide">
        <h2>Governance</h2>
        <p class="muted">
          Member-set proposals and votes found in blocks {r.from}–{r.to}: {r.proposals.length} proposals. Each row carries the verdict of the block that holds it
          (final under the pinned members, transactions matching txRoot).
        </p>
      </section>
      {r.proposals.map((p) => <ProposalCard key={p.id} s={s} p={p} />)}
      {r.orphanVotes.length > 0 ? <p class="muted">{r.orphanVotes.length} votes for proposals older than the blocks scanned.</p> : null}
    </div>
  );
}
