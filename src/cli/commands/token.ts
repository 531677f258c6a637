import { LedgerClient } from '../../client/ledger-client.js';
import { loadKeyFile } from '../../crypto/keys.js';
import { createReadToken, READ_TOKEN_LIMITS } from '../../crypto/read-token.js';
import { intFlag, parseFlags, required } from '../args.js';
import { EXIT, UsageError, type Command } from '../command.js';

/** `ledger token --key FILE (--node URL | --chain-id ID)`. */
export const tokenCommand: Command = {
  name: 'token',
  summary: 'Print a short-lived read token for curl and other HTTP clients',
  help: `Usage: ledger token --key FILE (--node URL | --chain-id ID) [--lifetime S]

Prints a read token: a JWT (EdDSA) signed by the key file's key, for the chain named by
--chain-id (or read from the node's GET /v1/status). Every read route except /v1/status
needs one, and answers only what the key's account may read:
  curl -H "Authorization: Bearer $(ledger token --key supplier.key.json --node URL)" URL/v1/invoices/INV-1
The key must be the CURRENT key of a registered account. An encrypted key file is opened
with --passphrase-file FILE, LEDGER_KEY_PASSPHRASE or LEDGER_KEY_PASSPHRASE_FILE.

Options:
  --key FILE              the account's key file (required)
  --node URL              a node to read the chain id from
  --chain-id ID           the chain id (no network access needed)
  --passphrase-file FILE  the key file's passphrase
  --lifetime S            seconds the token is valid (default ${READ_TOKEN_LIMITS.defaultLifetimeS}, at most ${READ_TOKEN_LIMITS.maxLifetimeS})`,
  async run(args, io) {
    const { values } = parseFlags(args, {
      key: { type: 'string' }, 'passphrase-file': { type: 'string' }, node: { type: 'string' }, 'chain-id': { type: 'string' }, lifetime: { type: 'string' }    });
    if (values.help) {
      io.out(this.help);
      return EXIT.ok;
    }
    const lifetimeS = intFlag(values.lifetime, 'lifetime', READ_TOKEN_LIMITS.defaultLifetimeS, 1, READ_TOKEN_LIMITS.maxLifetimeS);
    if ((values.node === undefined) === (values['chain-id'] === undefined)) throw new UsageError('give exactly one of --node and --chain-id');
    const key = await loadKeyFile(required(values.key, 'key'), values['passphrase-file']);
    const chainId = values['chain-id'] ?? (await new LedgerClient({ url: values.node as string }).status()).chainId;
    io.out(createReadToken(key, chainId, Date.now(), lifetimeS));
    return EXIT.ok;
  },
};
