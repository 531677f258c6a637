import { readGenesisFile } from '../../node/genesis-ceremony.js';
import { toHex } from '../../util/bytes.js';
import { parseFlags } from '../args.js';
import { EXIT, UsageError, type Command } from '../command.js';

/** `ledger genesis-hash FILE [--expect HASH]`. */
export const genesisHashCommand: Command = {
  name: 'genesis-hash',
  summary: 'Print the hash of a genesis.json, or check it against the expected one',
  help: `Usage: ledger genesis-hash FILE [--expect HASH] [--json]

Reads FILE as a node would (any error is reported), prints its chain id and members, and its
genesis hash: sha256 of the canonical encoding, the chain's identity (the same hash "ledger
audit" reports). Every member must hold the identical genesis, so each checks the hash the
coordinator sent by another channel before starting its node:

  ledger genesis-hash genesis.json --expect <hash printed by "ledger genesis">

Check also that your own name, public key and address are listed as you sent them.

Options:
  --expect HASH   the expected hash (64 hex); exit 1 when FILE's hash differs
  --json          print {"genesisHash", "chainId", "members", "matches"} as the last line

Exit codes: 0 hash printed (and matches), 1 mismatch or unreadable/invalid FILE, 2 usage.`,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, { expect: { type: 'string' }, json: { type: 'boolean' } }, true);
    if (values.help) {
      io.out(this.help);
      return EXIT.ok;
    }
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give the genesis file, e.g. ledger genesis-hash genesis.json' : `give one genesis file, not ${positionals.length}`);
    const file = positionals[0] as string;
    let expected: string | null = null;
    if (values.expect !== undefined) {
      expected = values.expect.trim().replace(/^0x/i, '').toLowerCase();
      if (!/^[0-9a-f]{64}$/.test(expected)) throw new UsageError(`--expect "${values.expect}" is not a hash (64 hex characters)`);
    }
    const { genesis, hash } = await readGenesisFile(file);
    const actual = toHex(hash);
    io.out(`chain ${genesis.chainId}, genesis time ${new Date(genesis.genesisTimeMs).toISOString()}, ${genesis.members.length} member(s), ${genesis.accounts.length} other account(s)`);
    genesis.members.forEach((m, i) => io.out(`  member ${i + 1}  ${m.name.padEnd(16)} ${toHex(m.publicKey)}  ${m.address}`));
    for (const a of genesis.accounts) io.out(`  account   ${a.name.padEnd(16)} ${toHex(a.publicKey)}  ${a.role}`);
    io.out(`genesis hash ${actual}`);
    const matches = expected === null ? null : expected === actual;
    if (matches === true) io.out('OK: the genesis hash matches the expected one');
    if (matches === false) io.err(`MISMATCH: ${file} hashes to ${actual}, expected ${expected}; do not start a node with it: get genesis.json from the coordinator again`);
    if (values.json) {
      io.out(JSON.stringify({
        genesisHash: actual, chainId: genesis.chainId, matches,
        members: genesis.members.map((m) => ({ name: m.name, publicKey: toHex(m.publicKey), address: m.address })),
      }));
    }
    return matches === false ? EXIT.failed : EXIT.ok;
  },
};
