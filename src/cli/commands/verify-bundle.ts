import { readFile } from 'node:fs/promises';
import { verifyBundle } from '../../client/verify-bundle.js';
import { readGenesisFile } from '../../node/genesis-ceremony.js';
import { parseFlags, required } from '../args.js';
import { EXIT, UsageError, type Command } from '../command.js';

/** `ledger verify-bundle FILE --genesis FILE [--json]`: the CLI face of verifyBundle (src/client/verify-bundle.ts). */
export const verifyBundleCommand: Command = {
  name: 'verify-bundle',
  summary: 'Check an export bundle offline against the genesis you trust',
  help: `Usage: ledger verify-bundle FILE --genesis FILE [--json]

Checks a bundle written by "ledger export" (docs/bundles.md) with no node at all: every state
proof, every history entry's inclusion proof and every certificate against the members of its
height (the genesis and the bundle's member-set changes), and that the bundle is whole: the
invoice lineage closed, every history paged to its end and running from the record's creation
to its last update, blocks consecutive and their transactions and receipts those their headers
commit to. Prints what was verified and up to which height.

Options:
  --genesis FILE  the genesis you trust (the bundle must name its hash)
  --json          print {ok, kind, subject, height, ...} as one JSON line

Exit codes: 0 verified, 1 the bundle fails (the message names where and why) or cannot be
read, 2 usage.`,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, { genesis: { type: 'string' }, json: { type: 'boolean' } }, true);
    if (values.help) {
      io.out(this.help);
      return EXIT.ok;
    }
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give the bundle file' : `give one bundle file, not ${positionals.length}`);
    const file = positionals[0] as string;
    const { genesis } = await readGenesisFile(required(values.genesis, 'genesis'));
    let bundle: unknown;
    try {
      bundle = JSON.parse(await readFile(file, 'utf8'));
    } catch (e) {
      const msg = `cannot read bundle ${file}: ${(e as Error).message}`;
      io.err(`FAILED: ${msg}`);
      if (values.json) io.out(JSON.stringify({ ok: false, code: 'BUNDLE_UNREADABLE', where: 'file', message: msg }));
      return EXIT.failed;
    }
    const r = verifyBundle(bundle, genesis);
    if (!r.ok) {
      io.err(`FAILED: ${r.error.where}: ${r.error.code}: ${r.error.message}`);
      if (values.json) io.out(JSON.stringify({ ok: false, ...r.error }));
      return EXIT.failed;
    }
    const s = r.value;
    if (values.json) {
      io.out(JSON.stringify({
        ok: true, kind: s.kind, subject: s.subject, chainId: s.chainId, genesisHash: s.genesisHash, height: s.height, memberChanges: s.memberChanges,
        entities: s.entities.map((e) => ({ id: e.id, provenAt: e.provenAt, updatedHeight: e.record.updatedHeight, entries: e.entries.length })), blocks: s.blocks,
      }));
      return EXIT.ok;
    }
    io.out(`ok: ${s.kind} bundle of ${s.subject} verified against genesis ${s.genesisHash} (chain ${s.chainId}), up to height ${s.height}, ${s.memberChanges} member-set change(s)`);
    for (const e of s.entities) io.out(`  ${e.id}: record proven at height ${e.provenAt} (last updated at ${e.record.updatedHeight}), ${e.entries.length} history entries`);
    if (s.blocks !== undefined) io.out(`  blocks ${s.blocks.from}-${s.blocks.to}: linked, final, transactions and receipts match their roots`);
    return EXIT.ok;
  },
};
