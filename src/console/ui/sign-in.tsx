import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { isEncrypted, openKeyFile } from '../key-file.js';
import { signIn, type Pin, type Session } from '../session.js';
import { asGenesisHash } from '../trust.js';

// The auditor pins the chain (their genesis.json, or its hash) and loads their account key
// file. The key never leaves this page's memory; reads carry tokens it signs.

async function readFile(input: HTMLInputElement | null): Promise<string | null> {
  const f = input?.files?.[0];
  return f === undefined ? null : f.text();
}

export function SignIn({ onSession }: { onSession: (s: Session) => void }): ComponentChildren {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [needsPass, setNeedsPass] = useState(false);

  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const form = e.currentTarget as HTMLFormElement;
      const genesisText = (await readFile(form.querySelector<HTMLInputElement>('#genesis-file'))) ?? form.querySelector<HTMLTextAreaElement>('#genesis-text')?.value ?? '';
      const hash = asGenesisHash(genesisText);
      let pin: Pin;
      if (hash !== null) pin = { hash };
      else {
        try {
          pin = { genesis: JSON.parse(genesisText) as unknown };
        } catch {
          throw new Error('pin a genesis: upload genesis.json, or paste it or its 64-hex hash');
        }
      }
      const keyText = await readFile(form.querySelector<HTMLInputElement>('#key-file'));
      if (keyText === null) throw new Error('load your account key file');
      const keyJson = JSON.parse(keyText) as unknown;
      const pass = form.querySelector<HTMLInputElement>('#passphrase')?.value ?? '';
      if (isEncrypted(keyJson) && pass === '') {
        setNeedsPass(true);
        throw new Error('this key file is encrypted: enter its passphrase');
      }
      onSession(await signIn(await openKeyFile(keyJson, pass), pin));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card sign-in" onSubmit={(e) => void submit(e)}>
      <h2>Sign in</h2>
      <p class="muted">
        Everything this console shows is verified in your browser against the genesis you pin here, not against this node's word. Your key file stays in this page's memory.
      </p>
      <label>
        Pinned genesis: genesis.json
        <input id="genesis-file" type="file" accept=".json,application/json" />
      </label>
      <label>
        …or paste the genesis JSON or its sha256 hash
        <textarea id="genesis-text" rows={3} placeholder="64-hex genesis hash or the file's JSON" />
      </label>
      <label>
        Account key file (ledger keygen)
        <input id="key-file" type="file" accept=".json,application/json" />
      </label>
      {needsPass ? (
        <label>
          Passphrase
          <input id="passphrase" type="password" autocomplete="off" />
        </label>
      ) : null}
      <button id="sign-in" type="submit" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
      {error !== null ? <p class="error" id="sign-in-error">{error}</p> : null}
    </form>
  );
}
