import { buildTx } from '../../client/build-tx.js';
import { LedgerClientError } from '../../client/errors.js';
import { LedgerClient } from '../../client/ledger-client.js';
import { loadKeyFile, PASSPHRASE_ENV, PASSPHRASE_FILE_ENV } from '../../crypto/keys.js';
import { DecodeError } from '../../codec/errors.js';
import type { Payload } from '../../types/primitives.js';
import { TX_TYPES } from '../../state/contracts/registry.js';
import { parseFlags, required, intFlag } from '../args.js';
import { EXIT, UsageError, type Command } from '../command.js';
import { readPayloadArg } from '../payload-arg.js';

/** `ledger tx TYPE --key FILE --node URL --payload JSON [--wait]`. */
export const txCommand: Command = {
  name: 'tx',
  summary: 'Sign and submit a transaction',
  help: `Usage: ledger tx TYPE --key FILE --node URL --payload (JSON | @FILE | -) [--wait] [--timeout-ms MS] [--json]

Signs a transaction of TYPE with the key file (the nonce is the account's nextNonce from
GET /v1/accounts/:publicKey), submits it to the node, and prints {hash, status, height, error}.
With --wait it returns once the transaction is committed or rejected. The payload is the
JSON text itself, @FILE for a file holding it, or - to read it from standard input. An
encrypted key file is opened with --passphrase-file FILE, ${PASSPHRASE_ENV} or ${PASSPHRASE_FILE_ENV}.
Exit codes: 0 accepted (or committed), 1 refused by the node or rejected in its block, 2 usage.

Types: ${TX_TYPES.join(', ')}

Example:
  ledger tx invoice.issue --key supplier.key.json --node http://127.0.0.1:8080 --wait \\
    --payload '{"id":"INV-1","buyer":"<buyer account id>","amount":"100000","currency":"CNY","dueDate":"2027-06-30","fingerprint":"<hash>"}'`,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, {
      key: { type: 'string' }, 'passphrase-file': { type: 'string' }, node: { type: 'string' }, payload: { type: 'string' }, wait: { type: 'boolean' },
      'timeout-ms': { type: 'string' }, json: { type: 'boolean' },
    }, true);
    if (values.help) {
      io.out(this.help);
      return EXIT.ok;
    }
    const type = positionals[0];
    if (type === undefined || positionals.length !== 1) throw new UsageError('give exactly one transaction TYPE');
    if (!(TX_TYPES as readonly string[]).includes(type)) throw new UsageError(`unknown transaction type ${type}`);
    const payloadText = await readPayloadArg(required(values.payload, 'payload'));
    let payload: unknown;
    try {
      payload = JSON.parse(payloadText);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError('--payload is not valid JSON');
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new UsageError('--payload must be a JSON object');
    const timeoutMs = intFlag(values['timeout-ms'], 'timeout-ms', 30_000, 100, 3_600_000);
    const key = await loadKeyFile(required(values.key, 'key'), values['passphrase-file']);
    const client = new LedgerClient({ url: required(values.node, 'node'), key });
    const print = (o: { hash: string | null; status: string; height: number | null; error: { code: string; message: string } | null }): void => {
      io.out(values.json ? JSON.stringify(o) : `${o.status}${o.hash ? ` ${o.hash}` : ''}${o.height !== null ? ` at height ${o.height}` : ''}${o.error ? `: ${o.error.code} ${o.error.message}` : ''}`);
    };
    try {
      const [status, nonce] = await Promise.all([client.status(), client.nextNonce(key.publicKey)]);
      let tx;
      try {
        tx = buildTx(key, status.chainId, type, payload as Payload, nonce);
      } catch (e) {
        if (e instanceof DecodeError) throw new UsageError(`--payload: ${e.message}`);
        throw e;
      }
      const { hash } = await client.submit(tx);
      if (!values.wait) {
        print({ hash, status: 'pending', height: null, error: null });
        return EXIT.ok;
      }
      const a = await client.waitForTx(hash, { timeoutMs });
      const code = a.receipt?.code ?? null;
      print({ hash, status: a.status, height: a.height ?? null, error: code === null ? null : { code, message: 'rejected by the contract' } });
      return a.status === 'committed' && a.receipt?.ok !== false ? EXIT.ok : EXIT.failed;
    } catch (e) {
      if (e instanceof LedgerClientError) {
        print({ hash: null, status: 'refused', height: null, error: { code: e.code, message: e.message } });
        return EXIT.failed;
      }
      throw e;
    }
  },
};
