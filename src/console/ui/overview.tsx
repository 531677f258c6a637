import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { StatusJson } from '../../client/wire.js';
import { toHex } from '../../util/bytes.js';
import type { Session } from '../session.js';
import { checkBlock, type Verdict } from '../verifier.js';
import { LiveChart, type ChartPoint } from './chart.js';
import { Badge, Fields, Pending, Short, useLoad, useVerdict } from './common.js';

// Chain overview: the head (verified), the member set against the pinned genesis, peers, and
// a live chart of the event stream: commit rate, transactions per block, and latency from a
// block's proposal time to its arrival here.

const WINDOW = 60;

interface Live {
  readonly points: ChartPoint[];
  /** Proposal timestamp → seen here, per block (includes clock skew between the two hosts). */
  readonly latencyMs: number[];
  readonly lastHeight: number | null;
}

function useLive(s: Session): Live {
  const [live, setLive] = useState<Live>({ points: [], latencyMs: [], lastHeight: null });
  useEffect(() => {
    const abort = new AbortController();
    let prevTs: number | null = null;
    void (async () => {
      try {
        for await (const ev of s.client.blockEvents({ signal: abort.signal })) {
          const interval = prevTs === null ? 0 : ev.timestampMs - prevTs;
          prevTs = ev.timestampMs;
          const latency = Date.now() - ev.timestampMs;
          setLive((l) => ({
            points: [...l.points, { height: ev.height, txs: ev.txs.length, intervalMs: interval }].slice(-WINDOW),
            latencyMs: [...l.latencyMs, latency].slice(-WINDOW),
            lastHeight: ev.height,
          }));
        }
      } catch {
        // The stream ends when the page leaves; a dropped one reconnects inside blockEvents.
      }
    })();
    return () => abort.abort();
  }, [s]);
  return live;
}

function rate(points: readonly ChartPoint[]): { blocksPerS: number; txPerS: number } {
  const span = points.slice(1).reduce((n, p) => n + p.intervalMs, 0);
  if (points.length < 2 || span <= 0) return { blocksPerS: 0, txPerS: 0 };
  return { blocksPerS: ((points.length - 1) * 1000) / span, txPerS: (points.slice(1).reduce((n, p) => n + p.txs, 0) * 1000) / span };
}

function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function membersVerdict(s: Session, members: { publicKey: string }[], epoch: number): Verdict {
  const pinned = s.trust.genesis.members.map((m) => toHex(m.publicKey));
  const same = members.length === pinned.length && members.every((m, i) => m.publicKey === pinned[i]);
  if (same) return { state: 'verified', detail: 'the member set is the pinned genesis set' };
  return epoch === 0
    ? { state: 'failed', code: 'MEMBERS_MISMATCH', detail: 'epoch 0 must run the genesis members, and it does not' }
    : { state: 'partial', detail: `epoch ${epoch}: the member set changed since genesis; changes are not yet verified here` };
}

export function Overview({ s }: { s: Session }): ComponentChildren {
  const [status, setStatus] = useState<StatusJson | null>(null);
  const live = useLive(s);
  useEffect(() => {
    void s.client.status().then(setStatus);
  }, [s, live.lastHeight]);
  const [members, mErr] = useLoad(() => s.client.members(), [s]);
  const [head, hErr] = useLoad(() => s.client.latestBlock(), [s, live.lastHeight === null ? 0 : Math.floor(live.lastHeight / 10)]);
  const headV = useVerdict(head === undefined || head === null ? null : () => checkBlock(head, s.trust, s.client), [head?.hash]);
  const r = rate(live.points);
  const lat = median(live.latencyMs);
  return (
    <div class="grid">
      <section class="card">
        <h2>Head</h2>
        {head === undefined || head === null ? <Pending error={hErr} /> : (
          <>
            <Badge v={headV} />
            <Fields rows={[
              ['height', <a href={`#/blocks/${head.header.height}`}>{head.header.height}</a>],
              ['hash', <Short hex={head.hash} />],
              ['view / epoch', `${head.header.view} / ${head.header.epoch}`],
              ['time', new Date(head.header.timestampMs).toISOString()],
            ]} />
          </>
        )}
      </section>
      <section class="card">
        <h2>This node</h2>
        {status === null ? <Pending error={null} /> : (
          <Fields rows={[
            ['node', status.node],
            ['height', <span id="status-height">{status.height}</span>],
            ['peers connected', status.peersConnected],
            ['ready / syncing', `${status.ready} / ${status.syncing}`],
            ['validator', String(status.validator)],
            ['version', `${status.version} (${status.commit.slice(0, 8)})`],
          ]} />
        )}
      </section>
      <section class="card">
        <h2>Members</h2>
        {members === undefined ? <Pending error={mErr} /> : (
          <>
            <Badge v={membersVerdict(s, members.members, members.epoch)} />
            <table class="list">
              <thead><tr><th>#</th><th>name</th><th>key</th><th>address</th></tr></thead>
              <tbody>
                {members.members.map((m) => (
                  <tr key={m.publicKey}><td>{m.index}</td><td>{m.name}</td><td><Short hex={m.publicKey} /></td><td><code>{m.address}</code></td></tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
      <section class="card wide">
        <h2>Live commits</h2>
        <p>
          <b>{r.blocksPerS.toFixed(2)}</b> blocks/s · <b>{r.txPerS.toFixed(1)}</b> tx/s · median latency proposal→seen <b>{lat === null ? '–' : `${lat} ms`}</b> · last {live.points.length} blocks
          (from the event stream; open a block to verify it)
        </p>
        <LiveChart points={live.points} slots={WINDOW} />
      </section>
    </div>
  );
}
