import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Session } from './session.js';
import { AccountsPage } from './ui/accounts.js';
import { BlockPage, BlocksPage, TxPage } from './ui/blocks.js';
import { EntityList, EntityPage } from './ui/entities.js';
import { GovernancePage } from './ui/governance.js';
import { Overview } from './ui/overview.js';
import { SignIn } from './ui/sign-in.js';

// Hash routes (#/blocks/12), so every page is a link the auditor can share and the node serves
// one file.

function useRoute(): string[] {
  const read = (): string[] => decodeURIComponent(location.hash.replace(/^#\/?/, '')).split('/').filter((s) => s !== '');
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = (): void => setRoute(read());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

const NAV: readonly [string, string][] = [['overview', 'Overview'], ['blocks', 'Blocks'], ['invoices', 'Invoices'], ['assets', 'Assets'], ['accounts', 'Accounts'], ['governance', 'Governance']];

function Page({ s, route }: { s: Session; route: string[] }): ComponentChildren {
  const [page = 'overview', arg] = route;
  switch (page) {
    case 'blocks':
      return arg === undefined ? <BlocksPage s={s} /> : <BlockPage s={s} height={Number(arg)} />;
    case 'tx':
      return <TxPage s={s} hash={arg ?? ''} />;
    case 'invoices':
    case 'assets': {
      const kind = page === 'invoices' ? 'invoice' : 'asset';
      return arg === undefined ? <EntityList s={s} kind={kind} /> : <EntityPage s={s} kind={kind} id={arg} />;
    }
    case 'accounts':
      return <AccountsPage s={s} />;
    case 'governance':
      return <GovernancePage s={s} />;
    default:
      return <Overview s={s} />;
  }
}

export function App(): ComponentChildren {
  const [session, setSession] = useState<Session | null>(null);
  const route = useRoute();
  return (
    <>
      <header class="top">
        <h1>Auditor's console</h1>
        {session !== null ? (
          <>
            <nav>
              {NAV.map(([path, label]) => (
                <a key={path} href={`#/${path}`} class={(route[0] ?? 'overview') === path ? 'active' : ''}>
                  {label}
                </a>
              ))}
            </nav>
            <span class="who" title={`pinned genesis ${session.trust.hash}`}>
              {session.account.name} ({session.account.role}) · chain {session.trust.chainId} · genesis <code>{session.trust.hash.slice(0, 12)}…</code>
            </span>
          </>
        ) : null}
      </header>
      <main>{session === null ? <SignIn onSession={setSession} /> : <Page s={session} route={route} />}</main>
    </>
  );
}
