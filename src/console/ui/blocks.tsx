import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { BlockJson } from '../../client/wire.js';
import type { Session } from '../session.js';
import { checkBlock, checkTx } from '../verifier.js';
import { Badge, Fields, go, Pending, Short, useLiveHeight, useLoad, useVerdict } from './common.js';

// Blocks and transactions: the latest blocks, search by height, transaction hash or block
// hash, and one page per block and per transaction, each verified in the page.

const RECENT = 10;
/** How far back a block-hash search looks (the API indexes blocks by height only). */
const HASH_SCAN = 500;

async function search(s: Session, q: string): Promise<string> {
  const t = q.trim().toLowerCase();
  if (/^\d+$/.test(t)) return `/blocks/${t}`;
  if (!/^[0-9a-f]{64}$/.test(t)) throw new Error('search by height, transaction hash or block hash (64 hex)');
  const tx = await s.client.getTx(t);
  if (tx.status !== 'unknown') return `/tx/${t}`;
  const head = (await s.client.status()).height;
  for (let from = Math.max(1, head - HASH_SCAN + 1); from <= head; from += 100) {
    const page = await s.client.blocks({ from, limit: 100 });
    const b = page.items.find((x) => x.hash === t);
    if (b !== undefined) return `/blocks/${b.header.height}`;
  }
  throw new Error(`no transaction with that hash, and no block among the last ${HASH_SCAN}`);
}

function SearchBox({ s }: { s: Session }): ComponentChildren {
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      class="search"
      onSubmit={(e) => {
        e.preventDefault();
        const q = (e.currentTarget.querySelector('input') as HTMLInputElement).value;
        setError(null);
        search(s, q).then(go, (err: unknown) => setError((err as Error).message));
      }}
    >
      <input id="block-search" placeholder="height, transaction hash or block hash" />
      <button type="submit">Search</button>
      {error !== null ? <span class="error">{error}</span> : null}
    </form>
  );
}

function BlockRow({ s, b }: { s: Session; b: BlockJson }): ComponentChildren {
  const v = useVerdict(() => checkBlock(b, s.trust, s.client), [b.hash]);
  return (
    <tr>
      <td><a href={`#/blocks/${b.header.height}`}>{b.header.height}</a></td>
      <td><Short hex={b.hash} /></td>
      <td>{b.txs.length}</td>
      <td>{new Date(b.header.timestampMs).toISOString()}</td>
      <td><Badge v={v} /></td>
    </tr>
  );
}

export function BlocksPage({ s }: { s: Session }): ComponentChildren {
  // Follows the event stream: new blocks join the list (and are verified) as they commit.
  const live = useLiveHeight(s);
  const [page, error] = useLoad(async () => {
    const head = live ?? (await s.client.status()).height;
    return s.client.blocks({ from: Math.max(1, head - RECENT + 1), limit: RECENT });
  }, [s, live], true);
  return (
    <section class="card wide">
      <h2>Blocks <small class="muted">live</small></h2>
      <SearchBox s={s} />
      {page === undefined ? <Pending error={error} /> : (
        <table class="list">
          <thead><tr><th>height</th><th>hash</th><th>txs</th><th>time</th><th>verification</th></tr></thead>
          <tbody>{[...page.items].reverse().map((b) => <BlockRow key={b.hash} s={s} b={b} />)}</tbody>
        </table>
      )}
    </section>
  );
}

export function BlockPage({ s, height }: { s: Session; height: number }): ComponentChildren {
  const [b, error] = useLoad(() => s.client.getBlock(height), [s, height]);
  const v = useVerdict(b === undefined || b === null ? null : () => checkBlock(b, s.trust, s.client), [b?.hash]);
  if (b === null) return <section class="card"><p class="error">no block at height {height}</p></section>;
  return (
    <section class="card wide">
      <h2>Block {height}</h2>
      <SearchBox s={s} />
      {b === undefined ? <Pending error={error} /> : (
        <>
          <Badge v={v} />
          <Fields rows={[
            ['hash', <code>{b.hash}</code>],
            ['parent', height > 1 ? <a href={`#/blocks/${height - 1}`}><code>{b.header.parentHash}</code></a> : <code>{b.header.parentHash}</code>],
            ['epoch / view', `${b.header.epoch} / ${b.header.view}`],
            ['proposer', b.header.proposer],
            ['time', new Date(b.header.timestampMs).toISOString()],
            ['txRoot', <code>{b.header.txRoot}</code>],
            ['stateRoot', <code>{b.header.stateRoot}</code>],
            ['commit certificate', `${b.commitQc.signatures.length} signatures, certifies height ${b.certifiedHeight}`],
          ]} />
          <h3>Transactions</h3>
          <table class="list">
            <thead><tr><th>#</th><th>hash</th><th>type</th><th>signer</th><th>outcome</th></tr></thead>
            <tbody>
              {b.txs.map((t, i) => (
                <tr key={t.hash}>
                  <td>{i}</td>
                  <td><a href={`#/tx/${t.hash}`}><Short hex={t.hash} /></a></td>
                  <td>{t.type}</td>
                  <td><Short hex={t.signer} /></td>
                  <td>{b.receipts[i]?.ok === true ? 'committed' : `rejected ${b.receipts[i]?.code ?? ''}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="muted">Every transaction row is covered by the block's badge: their hashes are recomputed here and must give header.txRoot.</p>
        </>
      )}
    </section>
  );
}

export function TxPage({ s, hash }: { s: Session; hash: string }): ComponentChildren {
  const [a, error] = useLoad(() => s.client.getTx(hash), [s, hash]);
  const v = useVerdict(a === undefined ? null : () => checkTx(a, s.trust), [a]);
  return (
    <section class="card wide">
      <h2>Transaction</h2>
      {a === undefined ? <Pending error={error} /> : a.status === 'unknown' ? <p class="error">unknown transaction {hash}</p> : (
        <>
          <Badge v={v} />
          <Fields rows={[
            ['hash', <code>{a.hash}</code>],
            ['status', a.status],
            ['type', a.tx?.type ?? ''],
            ['signer', <code>{a.tx?.signer ?? ''}</code>],
            ['nonce', a.tx?.nonce ?? ''],
            ['block', a.height === undefined ? '' : <a href={`#/blocks/${a.height}`}>{a.height}</a>],
            ['index', a.index ?? ''],
            ['receipt', a.receipt === undefined ? '' : `${a.receipt.ok ? 'ok' : 'refused'} ${a.receipt.code ?? ''}`],
            ['payload', <pre>{JSON.stringify(a.tx?.payload ?? null, null, 2)}</pre>],
          ]} />
        </>
      )}
    </section>
  );
}
