import { access, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { LedgerClient } from '../../client/ledger-client.js';
import { loadKeyFile } from '../../crypto/keys.js';
import { genesisFromJson } from '../../codec/genesis.js';
import { auditChain, clientSource, storeSource, type AuditEnd, type AuditReport, type AuditSource } from '../../node/audit.js';
import { checkpointFromJson, checkpointToJson } from '../../node/audit-checkpoint.js';
import { genesisHash } from '../../state/genesis-state.js';
import { toHex } from '../../util/bytes.js';
import { AuditProgress } from '../progress.js';
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

/** `ledger audit (--node URL --key FILE | --data DIR) [--genesis FILE] [--from FILE] [--checkpoint FILE] [--to N] [--quiet] [--json]`. */
export const auditCommand: Command = {
  name: 'audit',
  summary: 'Re-verify the whole chain independently (resumable from a checkpoint)',
  help: `Usage: ledger audit (--node URL --key FILE | --data DIR) [--genesis FILE] [--from FILE]
                    [--checkpoint FILE] [--to HEIGHT] [--quiet] [--json]

Re-verifies every block from genesis without trusting the source: hash links, transaction
roots, every commit certificate against the member set in force at its height, every
transaction signature, and the state root by re-executing every transaction.
Prints {ok, height, blocksVerified, fromHeight, genesisHash}; exits 1 naming the first bad
height. It first says which genesis it trusts (its hash), and shows progress on stderr
(height, blocks/s, ETA): every second on a terminal, every 10 s otherwise.

Options:
  --node URL      read blocks from a node's REST API
  --key FILE      with --node: the key of a member, auditor or regulator account (reads of
                  whole blocks need one; the requests carry tokens it signs)
  --passphrase-file FILE  passphrase of an encrypted --key file
  --data DIR      read blocks from a data directory (the node must be stopped)
  --genesis FILE  the genesis you trust (default: genesis.json near DIR, or the node's /v1/genesis)
  --checkpoint FILE  on success, write the end of the audit there: height, block hash, state
                  root, member set and member-set changes, and the re-executed world state
  --from FILE     start from a checkpoint written earlier: verify only the blocks after it
                  (its block hash must be the source's at its height)
  --to HEIGHT     stop at HEIGHT instead of the head
  --quiet         no progress lines
  --json          print the report as one JSON line`,
  async run(args, io) {
    const { values } = parseFlags(args, {
      node: { type: 'string' }, key: { type: 'string' }, 'passphrase-file': { type: 'string' }, data: { type: 'string' }, genesis: { type: 'string' },
      checkpoint: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, quiet: { type: 'boolean' }, json: { type: 'boolean' },
    });
    if (values.help) {
      io.out(this.help);
      return EXIT.ok;
    }
    if ((values.node === undefined) === (values.data === undefined)) throw new UsageError('give exactly one of --node URL or --data DIR');
    const to = values.to === undefined ? undefined : Number(values.to);
    if (to !== undefined && (!Number.isSafeInteger(to) || to < 1)) throw new UsageError('--to must be a height (a positive integer)');
    const run = async (genesis: Genesis, genesisSource: string, source: AuditSource, target: () => Promise<number | null>): Promise<AuditReport> => {
      if (!values.quiet) io.err(`trusting genesis ${toHex(genesisHash(genesis))} (chain ${genesis.chainId}, from ${genesisSource})`);
      const from = values.from === undefined ? undefined : await readCheckpoint(values.from, genesis);
      if (from !== undefined && !values.quiet) io.err(`resuming from the checkpoint at height ${from.height} (block ${toHex(from.hash)})`);
      const progress = values.quiet ? null : new AuditProgress(from?.height ?? 0, { write: (l) => io.err(l), tty: process.stderr.isTTY === true });
      progress?.target(to ?? (await target().catch(() => null)));
      const report = await auditChain(genesis, source, {
        ...(from !== undefined && { from }), ...(to !== undefined && { to }), onProgress: (h) => progress?.update(h),
      });
      if (report.ok && report.end !== undefined && values.checkpoint !== undefined) {
        await writeFileAtomic(values.checkpoint, JSON.stringify(checkpointToJson(genesis, report.end)));
        if (!values.quiet) io.err(`checkpoint written to ${values.checkpoint} (height ${report.height})`);
      }
      return report;
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
        const source = storeSource(store);
        report = await run(genesis, genesisPath, source, async () => source.claimedHead ?? null);
      } finally {
        await store.stop();
        await kv.stop();
      }
    } else {
      if (values.key === undefined) throw new UsageError('--node needs --key FILE: the key of a member, auditor or regulator account');
      const client = new LedgerClient({ url: values.node as string, key: await loadKeyFile(values.key, values['passphrase-file']) });
      let genesis: Genesis;
      let genesisSource = values.genesis ?? '';
      if (values.genesis !== undefined) genesis = await readGenesisFile(values.genesis);
      else {
        const token = await client.readToken().catch(() => null);
        const r = token === null ? null : await fetch(`${(values.node as string).replace(/\/+$/, '')}/v1/genesis`, { headers: { authorization: `Bearer ${token}` } }).catch(() => null);
        if (r === null || !r.ok) throw new OperationalError('GENESIS_UNAVAILABLE', `cannot fetch the genesis from ${values.node}${r?.status === 401 ? ' (the key is not a registered account\'s current key)' : ''}; pass --genesis FILE`);
        genesis = genesisFromJson(await r.json());
        genesisSource = `${values.node as string}/v1/genesis: compare its hash with the one you were given`;
      }
      report = await run(genesis, genesisSource, clientSource(client), async () => (await client.status()).height);
    }
    const line = {
      ok: report.ok, height: report.height, blocksVerified: report.blocksVerified, fromHeight: report.fromHeight, genesisHash: report.genesisHash,
      ...(report.ok ? {} : { badHeight: report.badHeight, reason: report.reason }),
    };
    if (values.json) io.out(JSON.stringify(line));
    else {
      io.out(report.ok
        ? `ok: ${report.blocksVerified} blocks verified (heights ${report.fromHeight + 1}-${report.height}), height ${report.height}, genesis ${report.genesisHash}`
        : `FAILED at height ${report.badHeight}: ${report.reason}`);
    }
    return report.ok ? EXIT.ok : EXIT.failed;
  },
};

async function readCheckpoint(path: string, genesis: Genesis): Promise<AuditEnd> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new OperationalError('CHECKPOINT_INVALID', `cannot read checkpoint ${path}: ${(e as Error).message}`);
  }
  try {
    return checkpointFromJson(json, genesis);
  } catch (e) {
    if (e instanceof OperationalError) throw new OperationalError('CHECKPOINT_INVALID', `checkpoint ${path}: ${e.message}`);
    throw e;
  }
}

async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}
