import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { exportAssetBundle, exportInvoiceBundle } from '../../client/export-bundle.js';
import { verifyBundle } from '../../client/verify-bundle.js';
import type { AssetJson, HistoryEntryJson, InvoiceJson } from '../../client/wire.js';
import { download, historyCsv } from '../csv.js';
import type { Session } from '../session.js';
import { CHECKING, checkEntity, checkHistoryEntry, type Verdict } from '../verifier.js';
import { Badge, Fields, go, Pending, Short, useLoad, useVerdict } from './common.js';

// Invoices and assets: search, the record with its verdict, the history as a timeline whose
// every entry is checked against the transaction it names, CSV download, and for invoices the
// split lineage as a tree from the root invoice down.

type Kind = 'invoice' | 'asset';
type Entity = InvoiceJson | AssetJson;

const path = (kind: Kind): string => (kind === 'invoice' ? 'invoices' : 'assets');

function get(s: Session, kind: Kind, id: string): Promise<Entity | null> {
  return kind === 'invoice' ? s.client.getInvoice(id) : s.client.getAsset(id);
}

function Row({ s, kind, e }: { s: Session; kind: Kind; e: Entity }): ComponentChildren {
  const v = useVerdict(() => checkEntity(kind, e.id, s.trust, s.client, e), [e.id]);
  const inv = kind === 'invoice' ? (e as InvoiceJson) : null;
  const asset = kind === 'asset' ? (e as AssetJson) : null;
  return (
    <tr>
      <td><a href={`#/${path(kind)}/${encodeURIComponent(e.id)}`}>{e.id}</a></td>
      <td>{inv !== null ? `${inv.amount} ${inv.currency}` : asset?.kind}</td>
      <td>{inv !== null ? inv.status : <Short hex={asset?.owner ?? ''} />}</td>
      <td><Badge v={v} /></td>
    </tr>
  );
}

export function EntityList({ s, kind }: { s: Session; kind: Kind }): ComponentChildren {
  const [page, error] = useLoad(async () => (kind === 'invoice' ? s.client.listInvoices({ limit: 20 }) : s.client.listAssets({ limit: 20 })), [s, kind]);
  return (
    <section class="card wide">
      <h2>{kind === 'invoice' ? 'Invoices' : 'Assets'}</h2>
      <form
        class="search"
        onSubmit={(ev) => {
          ev.preventDefault();
          const id = (ev.currentTarget.querySelector('input') as HTMLInputElement).value.trim();
          if (id !== '') go(`/${path(kind)}/${encodeURIComponent(id)}`);
        }}
      >
        <input id="entity-search" placeholder={`${kind} id`} />
        <button type="submit">Open</button>
      </form>
      {page === undefined ? <Pending error={error} /> : (
        <table class="list">
          <thead><tr><th>id</th><th>{kind === 'invoice' ? 'amount' : 'kind'}</th><th>{kind === 'invoice' ? 'status' : 'owner'}</th><th>verification</th></tr></thead>
          <tbody>{(page.items as Entity[]).map((e) => <Row key={e.id} s={s} kind={kind} e={e} />)}</tbody>
        </table>
      )}
    </section>
  );
}

function useHistoryVerdicts(s: Session, entries: readonly HistoryEntryJson[] | undefined): Verdict[] {
  const [vs, setVs] = useState<Verdict[]>([]);
  useEffect(() => {
    if (entries === undefined) return;
    let live = true;
    setVs(entries.map(() => CHECKING));
    entries.forEach((e, i) => {
      checkHistoryEntry(e, s.trust, s.client)
        .catch((err: unknown): Verdict => ({ state: 'failed', code: 'NO_ANSWER', detail: (err as Error).message }))
        .then((v) => live && setVs((old) => old.map((x, j) => (j === i ? v : x))));
    });
    return () => {
      live = false;
    };
  }, [entries]);
  return vs;
}

function Timeline({ s, kind, id }: { s: Session; kind: Kind; id: string }): ComponentChildren {
  const [h, error] = useLoad(async () => {
    // Every page, oldest first: the timeline and its CSV show the whole history.
    const entries: HistoryEntryJson[] = [];
    let cursor: string | undefined;
    for (;;) {
      const q = cursor === undefined ? {} : { cursor };
      const page = await (kind === 'invoice' ? s.client.invoiceHistory(id, q) : s.client.assetHistory(id, q));
      if (page === null) return null;
      entries.push(...page.items);
      if (page.nextCursor === null) return { id, entries };
      cursor = page.nextCursor;
    }
  }, [s, kind, id]);
  const vs = useHistoryVerdicts(s, h?.entries);
  if (h === undefined) return <Pending error={error} />;
  if (h === null) return <p class="error">no history</p>;
  return (
    <>
      <button id="history-csv" onClick={() => download(`${kind}-${id}-history.csv`, historyCsv(h.entries, vs))}>Download CSV</button>
      <ol class="timeline" id="history">
        {h.entries.map((e, i) => (
          <li key={e.txHash}>
            <div class="when">block <a href={`#/blocks/${e.height}`}>{e.height}</a> · {new Date(e.timestampMs).toISOString()}</div>
            <div class="what"><b>{e.type}</b> by <Short hex={e.signer} /> · tx <a href={`#/tx/${e.txHash}`}><Short hex={e.txHash} /></a></div>
            <div class="detail"><code>{JSON.stringify(e.detail)}</code></div>
            <Badge v={vs[i] ?? CHECKING} />
          </li>
        ))}
      </ol>
    </>
  );
}

function LineageNode({ s, id, current }: { s: Session; id: string; current: string }): ComponentChildren {
  const [inv, error] = useLoad(() => s.client.getInvoice(id), [s, id]);
  const v = useVerdict(inv === undefined ? null : () => checkEntity('invoice', id, s.trust, s.client, inv), [inv]);
  return (
    <li>
      <span class={id === current ? 'current' : ''}>
        <a href={`#/invoices/${encodeURIComponent(id)}`}>{id}</a>
        {inv !== undefined && inv !== null ? ` · ${inv.amount} ${inv.currency} · ${inv.status}` : error !== null ? ` · ${error}` : ''}
      </span>{' '}
      <Badge v={v} />
      {inv !== undefined && inv !== null && inv.children.length > 0 ? (
        <ul>{inv.children.map((c) => <LineageNode key={c} s={s} id={c} current={current} />)}</ul>
      ) : null}
    </li>
  );
}

function Lineage({ s, inv }: { s: Session; inv: InvoiceJson }): ComponentChildren {
  const [root, error] = useLoad(async () => {
    let at = inv;
    // Parents are followed up to the original invoice; a cycle would be a lying node.
    for (let hops = 0; at.parent !== null && hops < 64; hops++) {
      const p = await s.client.getInvoice(at.parent);
      if (p === null) break;
      at = p;
    }
    return at.id;
  }, [s, inv.id]);
  if (root === undefined) return <Pending error={error} />;
  return <ul class="tree" id="lineage"><LineageNode s={s} id={root} current={inv.id} /></ul>;
}

/**
 * A proof bundle (docs/bundles.md) built from the node's proven answers, verified in this page
 * against the pinned genesis before it is offered: what downloads is what `ledger verify-bundle`
 * accepts offline.
 */
function BundleDownload({ s, kind, id }: { s: Session; kind: Kind; id: string }): ComponentChildren {
  const [v, setV] = useState<Verdict | null>(null);
  const run = async (): Promise<void> => {
    setV(CHECKING);
    try {
      const opts = { chainId: s.trust.chainId, genesisHash: s.trust.hash };
      const bundle = kind === 'invoice' ? await exportInvoiceBundle(s.client, id, opts) : await exportAssetBundle(s.client, id, opts);
      const r = verifyBundle(bundle, s.trust.genesis);
      if (!r.ok) {
        setV({ state: 'failed', code: r.error.code, detail: `${r.error.where}: ${r.error.message}` });
        return;
      }
      download(`${kind}-${id}.bundle.json`, `${JSON.stringify(bundle, null, 2)}\n`, 'application/json');
      setV({ state: 'verified', detail: `bundle of ${r.value.entities.length} record(s) verified here up to height ${r.value.height}` });
    } catch (e) {
      setV({ state: 'failed', code: 'NO_ANSWER', detail: e instanceof Error ? e.message : String(e) });
    }
  };
  return (
    <p id="bundle">
      <button id="bundle-download" onClick={() => void run()}>Download proof bundle</button> {v === null ? null : <Badge v={v} />}
    </p>
  );
}

export function EntityPage({ s, kind, id }: { s: Session; kind: Kind; id: string }): ComponentChildren {
  const [e, error] = useLoad(() => get(s, kind, id), [s, kind, id]);
  const v = useVerdict(e === undefined || e === null ? null : () => checkEntity(kind, id, s.trust, s.client, e), [e]);
  if (e === null) return <section class="card"><p class="error">no {kind} {id}</p></section>;
  const rows: [string, ComponentChildren][] = e === undefined ? [] : Object.entries(e).map(([k, x]) => [k, typeof x === 'object' && x !== null ? <code>{JSON.stringify(x)}</code> : String(x)]);
  return (
    <div class="grid">
      <section class="card">
        <h2>{kind === 'invoice' ? 'Invoice' : 'Asset'} {id}</h2>
        {e === undefined ? <Pending error={error} /> : (<><Badge v={v} /><Fields rows={rows} /><BundleDownload s={s} kind={kind} id={id} /></>)}
      </section>
      {kind === 'invoice' && e !== undefined ? (
        <section class="card">
          <h2>Split lineage</h2>
          <Lineage s={s} inv={e as InvoiceJson} />
        </section>
      ) : null}
      <section class="card wide">
        <h2>History</h2>
        <Timeline s={s} kind={kind} id={id} />
      </section>
    </div>
  );
}
