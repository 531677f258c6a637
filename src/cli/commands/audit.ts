import { access, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { LedgerClient } from '../../client/ledger-client.js';
import { loadKeyFile } from '../../crypto/keys.js';
import { genesisFromJson } from '../../codec/genesis.js';
import { auditChain, clientSource, storeSource, type AuditReport } from '../../node/audit.js';
import { BlockStore } from '../../storage/block-store.js';
import { LevelKv } from '../../storage/level-kv.js';
import type { Genesis } from '../../types/genesis.js';
import { OperationalError } from '../../util/errors.js';
import { parseFlags } from '../args.js';
import { EXIT, UsageError, type Command } from '../command.js';

async function readGenesisFile(path: string): Promise<Genesis> {
  try {
    return genesisFromJson(JSON.parse(await readFile(path, 'utf8')));
  } catch (e) {
    throw new OperationalError('GENESIS_INVALID', `cannot use genesis ${path}: ${(e as Error).message}`);
  }
}

// A data directory sits at <consortium>/data/<member> in `ledger init` layouts.
async function findGenesisNear(dir: string): Promise<string | null> {
  for (let d = resolve(dir), i = 0; i < 3; i++, d = dirname(d)) {
    const p = join(d, 'genesis.json');
    if (await access(p).then(() => true, () => false)) return p;
  }
  return null;
}

/** `ledger audit (--node URL --key FILE | --data DIR) [--genesis FILE] [--json]`. */
export const auditCommand: Command = {
  name: 'audit',
  summary: 'Re-verify the whole chain independently',
  help: `Usage: ledger audit (--node URL --key FILE | --data DIR) [--genesis FILE] [--json]

Re-verifies every block from genesis without trusting the source: hash links, transaction
roots, every commit certificate against the member set in force at its height, every
transaction signature, and the state root by re-executing every transaction.
Prints {ok, height, blocksVerified}; exits 1 naming the first bad height.

Options:
  --node URL      read blocks from a node's REST API
  --key FILE      with --node: the key of a member, auditor or regulator account (reads of
                  whole blocks need one; the requests carry tokens it signs)
  --passphrase-file FILE  passphrase of an encrypted --key file
  --data DIR      read blocks from a data directory (the node must be stopped)
  --genesis FILE  the genesis you trust (default: genesis.json near DIR, or the node's /v1/genesis)
  --json          print the report as one JSON line`,
  async run(args, io) {
    const { values } = parseFlags(args, { node: { type: 'string' }, key: { type: 'string' }, 'passphrase-file': { type: 'string' }, data: { type: 'string' }, genesis: { type: 'string' }, json: { type: 'boolean' } });
    if (values.help) {
      io.out(this.help);
      return EXIT.ok;
    }
    if ((values.node === undefined) === (values.data === undefined)) throw new UsageError('give exactly one of --node URL or --data DIR');
    let printed = 0;
    const progress = (h: number): void => {
      if (h - printed >= 1000) {
        printed = h;
        io.err(`verified ${h} blocks`);
      }
    };
    let report: AuditReport;
    if (values.data !== undefined) {
      const genesisPath = values.genesis ?? (await findGenesisNear(values.data));
      if (genesisPath === null) throw new UsageError(`no genesis.json near ${values.data}; pass --genesis FILE`);
      const genesis = await readGenesisFile(genesisPath);
      const kv = new LevelKv({ path: values.data });
      await kv.start();
      const store = new BlockStore({ location: values.data }, { kv });
      try {
        await store.start();
        report = await auditChain(genesis, storeSource(store), progress);
      } finally {
        await store.stop();
        await kv.stop();
      }
    } else {
      if (values.key === undefined) throw new UsageError('--node needs --key FILE: the key of a member, auditor or regulator account');
      const client = new LedgerClient({ url: values.node as string, key: await loadKeyFile(values.key, values['passphrase-file']) });
      let genesis: Genesis;
      if (values.genesis !== undefined) genesis = await readGenesisFile(values.genesis);
      else {
        const token = await client.readToken().catch(() => null);
        const r = token === null ? null : await fetch(`${(values.node as string).replace(/\/+$/, '')}/v1/genesis`, { headers: { authorization: `Bearer ${token}` } }).catch(() => null);
        if (r === null || !r.ok) throw new OperationalError('GENESIS_UNAVAILABLE', `cannot fetch the genesis from ${values.node}${r?.status === 401 ? ' (the key is not a registered account\'s current key)' : ''}; pass --genesis FILE`);
        genesis = genesisFromJson(await r.json());
      }
      report = await auditChain(genesis, clientSource(client), progress);
    }
    const line = { ok: report.ok, height: report.height, blocksVerified: report.blocksVerified, genesisHash: report.genesisHash, ...(report.ok ? {} : { badHeight: report.badHeight, reason: report.reason }) };
    if (values.json) io.out(JSON.stringify(line));
    else io.out(report.ok ? `ok: ${report.blocksVerified} blocks verified, height ${report.height}` : `FAILED at height ${report.badHeight}: ${report.reason}`);
    return report.ok ? EXIT.ok : EXIT.failed;
  },
};
