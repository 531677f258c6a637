import { access } from 'node:fs/promises';
import { generateSigningKey, saveKeyFile } from '../../crypto/keys.js';
import { toHex } from '../../util/bytes.js';
import { parseFlags, required } from '../args.js';
import { EXIT, type Command } from '../command.js';

/** `ledger keygen --out FILE`. */
export const keygenCommand: Command = {
  name: 'keygen',
  summary: 'Create an ed25519 key file and print its public key',
  help: `Usage: ledger keygen --out FILE [--force] [--json]

Writes a new ed25519 key file (mode 0600) and prints the public key in hex.
Give the public key to the consortium; keep the file secret.

Options:
  --out FILE   where to write the key file (required)
  --force      overwrite FILE if it exists
  --json       print {"publicKey", "keyFile"} as the last line`,
  async run(args, io) {
    const { values } = parseFlags(args, { out: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } });
    if (values.help) {
      io.out(this.help);
      return EXIT.ok;
    }
    const out = required(values.out, 'out');
    if (!values.force) {
      const exists = await access(out).then(() => true, () => false);
      if (exists) {
        io.err(`${out} exists; pass --force to overwrite it`);
        return EXIT.failed;
      }
    }
    const key = generateSigningKey();
    await saveKeyFile(out, key);
    const publicKey = toHex(key.publicKey);
    io.out(values.json ? JSON.stringify({ publicKey, keyFile: out }) : publicKey);
    return EXIT.ok;
  },
};
