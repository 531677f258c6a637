import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Session } from '../session.js';
import { CHECKING, type Verdict } from '../verifier.js';

// Small pieces every page uses: the verification badge, the hook that computes a verdict in
// the page, and a key-value table.

const LABEL: Record<Verdict['state'], string> = { checking: 'checking…', verified: 'verified', partial: 'partly verified', failed: 'VERIFICATION FAILED' };

/** The badge of one displayed item; `data-verdict` is what tests and screen readers key on. */
export function Badge({ v }: { v: Verdict }): ComponentChildren {
  const title = v.state === 'checking' ? 'verifying in this browser' : v.detail;
  return (
    <span class={`badge badge-${v.state}`} data-verdict={v.state} title={title}>
      {v.state === 'verified' ? '✓ ' : v.state === 'failed' ? '✗ ' : v.state === 'partial' ? '◐ ' : ''}
      {LABEL[v.state]}
      {v.state === 'failed' ? `: ${v.code}` : ''}
      {v.state !== 'checking' ? <small> {v.detail}</small> : null}
    </span>
  );
}

/** Runs `check` when `deps` change; a thrown error (a refused fetch) is a failed verdict. */
export function useVerdict(check: (() => Promise<Verdict> | Verdict) | null, deps: readonly unknown[]): Verdict {
  const [v, setV] = useState<Verdict>(CHECKING);
  useEffect(() => {
    let live = true;
    setV(CHECKING);
    if (check === null) return;
    Promise.resolve()
      .then(check)
      .then((r) => live && setV(r), (e: unknown) => live && setV({ state: 'failed', code: 'NO_ANSWER', detail: e instanceof Error ? e.message : String(e) }));
    return () => {
      live = false;
    };
  }, deps);
  return v;
}

/**
 * Loads `load` when `deps` change: [value, error]; value undefined while loading, unless `keep`
 * (a refresh of the same list: the old rows stay until the new ones arrive).
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[], keep = false): [T | undefined, string | null] {
  const [state, setState] = useState<[T | undefined, string | null]>([undefined, null]);
  useEffect(() => {
    let live = true;
    if (!keep) setState([undefined, null]);
    load().then((v) => live && setState([v, null]), (e: unknown) => live && setState([undefined, e instanceof Error ? e.message : String(e)]));
    return () => {
      live = false;
    };
  }, deps);
  return state;
}

/** The height of the newest block on the event stream (null until one arrives). */
export function useLiveHeight(s: Session): number | null {
  const [height, setHeight] = useState<number | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    void (async () => {
      try {
        for await (const ev of s.client.blockEvents({ signal: abort.signal })) setHeight(ev.height);
      } catch {
        // Ends when the page leaves; a dropped stream reconnects inside blockEvents.
      }
    })();
    return () => abort.abort();
  }, [s]);
  return height;
}

/** A two-column table of labelled values. */
export function Fields({ rows }: { rows: readonly [string, ComponentChildren][] }): ComponentChildren {
  return (
    <table class="fields">
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th>{k}</th>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A hash shortened for tables, full on hover. */
export function Short({ hex }: { hex: string }): ComponentChildren {
  return <code title={hex}>{hex.length > 16 ? `${hex.slice(0, 8)}…${hex.slice(-6)}` : hex}</code>;
}

/** Loading and error states of a page section. */
export function Pending({ error }: { error: string | null }): ComponentChildren {
  return error === null ? <p class="muted">loading…</p> : <p class="error">{error}</p>;
}

/** Navigates within the console (hash routes). */
export function go(path: string): void {
  location.hash = `#${path}`;
}
