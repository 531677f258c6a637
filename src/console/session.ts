import { LedgerClient } from '../client/ledger-client.js';
import type { AccountJson } from '../client/wire.js';
import type { SigningKey } from '../crypto/ed25519.js';
import { toHex } from '../util/bytes.js';
import { pinGenesis, TrustError, type Trust } from './trust.js';

// The SDK calls its fetch as a method; a browser's fetch must be called on window.
const browserFetch: typeof fetch = (...a) => fetch(...a);

// A signed-in auditor: their key (in memory only), the genesis they pinned, and an SDK client
// of the node that served this page, whose every read carries a token the key signs.

/** What the pages need. */
export interface Session {
  readonly client: LedgerClient;
  readonly trust: Trust;
  readonly account: AccountJson;
}

/** How the auditor pinned the chain: a genesis file, or the hash of one. */
export type Pin = { readonly genesis: unknown } | { readonly hash: string };

/** Signs in: pins the genesis, then proves the key is a registered account. */
export async function signIn(key: SigningKey, pin: Pin, base = location.origin): Promise<Session> {
  let trust: Trust;
  if ('genesis' in pin) trust = pinGenesis(pin.genesis);
  else {
    // Only a hash was pinned: take the node's genesis, but only if it hashes to the pin.
    const status = await new LedgerClient({ url: base, fetch: browserFetch }).status();
    const token = await new LedgerClient({ url: base, key, chainId: status.chainId, fetch: browserFetch }).readToken();
    const r = await fetch(`${base}/v1/genesis`, { headers: { authorization: `Bearer ${token ?? ''}` } });
    if (!r.ok) throw new TrustError(`the node refused its genesis (HTTP ${r.status}): is this key a registered account?`);
    trust = pinGenesis(await r.json(), pin.hash);
  }
  const client = new LedgerClient({ url: base, key, chainId: trust.chainId, fetch: browserFetch });
  const status = await client.status();
  if (status.chainId !== trust.chainId) throw new TrustError(`this node runs chain ${status.chainId}, the pinned genesis is chain ${trust.chainId}`);
  const account = await client.getAccount(toHex(key.publicKey));
  if (account === null) throw new TrustError('this key is not the current key of any account on this chain');
  return { client, trust, account };
}
