import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { toHex } from '../../util/bytes.js';
import type { Session } from '../session.js';
import { checkEntity } from '../verifier.js';
import { Badge, Pending, Short, useLoad, useVerdict } from './common.js';

// Accounts and roles: the genesis accounts and members of the pinned genesis, each looked up
// on the node (current role, next nonce) and checked against the certified state, plus a
// lookup by key.

function AccountRow({ s, id, pinnedRole }: { s: Session; id: string; pinnedRole: string | null }): ComponentChildren {
  const [a, error] = useLoad(() => s.client.getAccount(id), [s, id]);
  const v = useVerdict(a === undefined ? null : () => checkEntity('account', id, s.trust, s.client, a), [a]);
  return (
    <tr>
      <td>{a?.name ?? (error ?? '…')}</td>
      <td><Short hex={id} /></td>
      <td>{a?.role ?? ''}{pinnedRole !== null && a !== undefined && a !== null && a.role !== pinnedRole ? ` (genesis: ${pinnedRole})` : ''}</td>
      <td>{a?.nextNonce ?? ''}</td>
      <td><Badge v={v} /></td>
    </tr>
  );
}

export function AccountsPage({ s }: { s: Session }): ComponentChildren {
  const g = s.trust.genesis;
  const [extra, setExtra] = useState<string[]>([]);
  const pinned: [string, string][] = [
    ...g.members.map((m): [string, string] => [toHex(m.publicKey), 'member']),
    ...g.accounts.map((a): [string, string] => [toHex(a.publicKey), a.role]),
  ];
  return (
    <section class="card wide">
      <h2>Accounts and roles</h2>
      <form
        class="search"
        onSubmit={(e) => {
          e.preventDefault();
          const k = (e.currentTarget.querySelector('input') as HTMLInputElement).value.trim().toLowerCase();
          if (/^[0-9a-f]{64}$/.test(k)) setExtra((x) => [k, ...x.filter((y) => y !== k)]);
        }}
      >
        <input id="account-search" placeholder="account id or public key (64 hex)" />
        <button type="submit">Look up</button>
      </form>
      {pinned.length === 0 ? <Pending error={null} /> : (
        <table class="list">
          <thead><tr><th>name</th><th>id</th><th>role</th><th>next nonce</th><th>verification</th></tr></thead>
          <tbody>
            {extra.map((k) => <AccountRow key={`x${k}`} s={s} id={k} pinnedRole={null} />)}
            {pinned.map(([k, role]) => <AccountRow key={k} s={s} id={k} pinnedRole={role} />)}
          </tbody>
        </table>
      )}
    </section>
  );
}
