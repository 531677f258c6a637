import { readFile, rename, writeFile } from 'node:fs/promises';
import type { BundleJson } from '../../client/bundle-format.js';
import { exportAssetBundle, exportBlocksBundle, exportInvoiceBundle, type ExportOptions } from '../../client/export-bundle.js';
import { LedgerClient } from '../../client/ledger-client.js';
import type { MemberChangeJson } from '../../client/member-sets.js';
import { genesisFromJson } from '../../codec/genesis.js';
import { loadKeyFile } from '../../crypto/keys.js';
import { readGenesisFile } from '../../node/genesis-ceremony.js';
import { genesisHash } from '../../state/genesis-state.js';
import type { Genesis } from '../../types/genesis.js';
import { toHex } from '../../util/bytes.js';
import { OperationalError } from '../../util/errors.js';
import { intFlag, parseFlags, required } from '../args.js';
import { EXIT, UsageError, type Command } from '../command.js';
import { historyCsv } from '../history-csv.js';

/** `ledger export (invoice ID | asset ID | blocks --from H --to H) --url URL --key FILE [--out FILE] [--csv]`. */
export const exportCommand: Command = {
  name: 'export',
  summary: 'Write a bundle that proves an invoice lineage, an asset or blocks offline (or its history as CSV)',
  help: `Usage: ledger export invoice ID --url URL --key FILE [--out FILE] [--csv] [options]
       ledger export asset ID --url URL --key FILE [--out FILE] [--csv] [options]
       ledger export blocks --from H1 --to H2 --url URL --key FILE [--out FILE] [options]

Collects the node's proven answers into one self-contained JSON bundle (docs/bundles.md)
that "ledger verify-bundle" checks with nothing but the genesis, no node:
  invoice  the invoice and its whole split lineage (its parents up to the original and every
           part below it): each with its record's state proof and every page of its proven
           history (each entry's transaction with its inclusion proof and certificate)
  asset    the asset, the same way
  blocks   blocks H1..H2 with their certificates and the headers linking them to it
Member-set changes since the genesis go in with the finality of each epoch's last block.
Nothing is checked here: the exporter only collects (verify the file you wrote).

With --csv, writes the history instead (invoice: of every invoice of the lineage), one row per
entry: id,height,time,txHash,type,signer,detail (time ISO 8601 UTC, detail as JSON), RFC 4180
quoting. There is no account export: the API has no list of the transactions an account signed.

Options:
  --url URL        a node's REST API
  --key FILE       a registered account's key (reads need tokens it signs); an integrator
                   sees its own invoices and assets, whole blocks need a member, auditor or
                   regulator
  --passphrase-file FILE  passphrase of an encrypted --key file
  --out FILE       where to write (default: standard output)
  --csv            write the history as CSV instead of the bundle (invoice, asset)
  --from H1, --to H2  the block range (blocks)
  --genesis FILE   the genesis whose hash the bundle names (default: the node's /v1/genesis)
  --checkpoint FILE  a "ledger audit --checkpoint" file: its member-set changes go in the
                   bundle (needed once the chain changed members)
  --page-size N    history page size, 1-100 (default 100)

Exit codes: 0 written, 1 unknown id, unreachable node or refused key, 2 usage.`,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, {
      url: { type: 'string' }, key: { type: 'string' }, 'passphrase-file': { type: 'string' }, out: { type: 'string' }, csv: { type: 'boolean' },
      from: { type: 'string' }, to: { type: 'string' }, genesis: { type: 'string' }, checkpoint: { type: 'string' }, 'page-size': { type: 'string' },
    }, true);
    if (values.help) {
      io.out(this.help);
      return EXIT.ok;
    }
    const [kind, id, ...extra] = positionals;
    if (kind !== 'invoice' && kind !== 'asset' && kind !== 'blocks') throw new UsageError('say what to export: invoice ID, asset ID or blocks --from H1 --to H2');
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0] as string}`);
    let range: [number, number] | null = null;
    if (kind === 'blocks') {
      if (id !== undefined) throw new UsageError('blocks takes --from and --to, not an id');
      if (values.csv) throw new UsageError('--csv exports a history: use it with invoice or asset');
      const from = intFlag(required(values.from, 'from'), 'from', 1, 1, Number.MAX_SAFE_INTEGER);
      const to = intFlag(required(values.to, 'to'), 'to', 1, 1, Number.MAX_SAFE_INTEGER);
      if (to < from) throw new UsageError('--to must not be below --from');
      range = [from, to];
    } else {
      if (id === undefined || id === '') throw new UsageError(`give the ${kind} id: ledger export ${kind} ID`);
      if (values.from !== undefined || values.to !== undefined) throw new UsageError('--from and --to are for blocks');
    }
    const url = required(values.url, 'url');
    const keyFile = required(values.key, 'key');
    const pageSize = intFlag(values['page-size'], 'page-size', 100, 1, 100);
    const client = new LedgerClient({ url, key: await loadKeyFile(keyFile, values['passphrase-file']) });
    const genesis = values.genesis !== undefined ? (await readGenesisFile(values.genesis)).genesis : await nodeGenesis(client, url);
    const memberChanges = values.checkpoint === undefined ? [] : await checkpointChanges(values.checkpoint);
    const status = await client.status();
    if (status.chainId !== genesis.chainId) throw new OperationalError('GENESIS_MISMATCH', `the node runs chain ${status.chainId}, the genesis is of ${genesis.chainId}`);
    // Without the changes a verifier would check later epochs against the genesis members.
    if (status.epoch > memberChanges.length) {
      throw new OperationalError('MEMBER_CHANGES_NEEDED', `the chain is in epoch ${status.epoch}; pass --checkpoint FILE (from "ledger audit --checkpoint") for its member-set changes`);
    }
    const opts: ExportOptions = { chainId: genesis.chainId, genesisHash: toHex(genesisHash(genesis)), memberChanges, pageSize };
    const bundle: BundleJson = kind === 'invoice' ? await exportInvoiceBundle(client, id as string, opts)
      : kind === 'asset' ? await exportAssetBundle(client, id as string, opts)
        : await exportBlocksBundle(client, (range as [number, number])[0], (range as [number, number])[1], opts);
    const text = values.csv ? historyCsv(bundle) : `${JSON.stringify(bundle, null, 1)}\n`;
    if (values.out === undefined) process.stdout.write(text);
    else {
      const tmp = `${values.out}.tmp-${process.pid}`;
      await writeFile(tmp, text);
      await rename(tmp, values.out);
      const n = (bundle.invoices?.length ?? 0) + (bundle.assets?.length ?? 0) + (bundle.blocks?.length ?? 0);
      io.err(`${values.csv ? 'history CSV' : 'bundle'} of ${kind} ${bundle.subject} (${n} ${kind === 'blocks' ? 'blocks' : `${kind}s`}) written to ${values.out}`);
    }
    return EXIT.ok;
  },
};

async function nodeGenesis(client: LedgerClient, url: string): Promise<Genesis> {
  const token = await client.readToken();
  const r = await fetch(`${url.replace(/\/+$/, '')}/v1/genesis`, { headers: { authorization: `Bearer ${token ?? ''}` } }).catch(() => null);
  if (r === null || !r.ok) throw new OperationalError('GENESIS_UNAVAILABLE', `cannot fetch the genesis from ${url}${r?.status === 401 ? ' (the key is not a registered account\'s current key)' : ''}; pass --genesis FILE`);
  return genesisFromJson(await r.json());
}

async function checkpointChanges(path: string): Promise<MemberChangeJson[]> {
  try {
    const j = JSON.parse(await readFile(path, 'utf8')) as { memberChanges?: unknown };
    if (!Array.isArray(j.memberChanges)) throw new Error('it has no memberChanges');
    return j.memberChanges as MemberChangeJson[];
  } catch (e) {
    throw new OperationalError('CHECKPOINT_INVALID', `cannot read checkpoint ${path}: ${(e as Error).message}`);
  }
}
