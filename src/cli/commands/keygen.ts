import { access } from 'node:fs/promises';
import { generateSigningKey, PASSPHRASE_ENV, PASSPHRASE_FILE_ENV, saveKeyFile } from '../../crypto/keys.js';
import { toHex } from '../../util/bytes.js';
import { parseFlags, required } from '../args.js';
import { EXIT, type Command } from '../command.js';
import { newKeyPassphrase } from '../key-passphrase.js';

/** `ledger keygen --out FILE [--passphrase-file FILE | --plaintext]`. */
export const keygenCommand: Command = {
  name: 'keygen',
  summary: 'Create an ed25519 key file and print its public key',
  help: `Usage: ledger keygen --out FILE [--passphrase-file FILE | --plaintext] [--force] [--json]

Writes a new ed25519 key file (mode 0600) and prints the public key in hex. The secret key
is encrypted (scrypt + AES-256-GCM) under a passphrase from --passphrase-file, the
environment variable ${PASSPHRASE_ENV}, or the file ${PASSPHRASE_FILE_ENV} names
(a Docker secret); every command that loads the key finds it the same way.
Give the public key to the consortium; keep the file secret.

Options:
  --out FILE              where to write the key file (required)
  --passphrase-file FILE  read the passphrase from FILE (one trailing newline ignored)
  --plaintext             store the secret key unencrypted (test networks only)
  --force                 overwrite FILE if it exists
  --json                  print {"publicKey", "keyFile", "encrypted"} as the last line`,
  async run(args, io) {
    const { values } = parseFlags(args, {
      out: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' }, 'passphrase-file': { type: 'string' }, plaintext: { type: 'boolean' },
    });
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
    const passphrase = await newKeyPassphrase(values);
    const key = generateSigningKey();
    await saveKeyFile(out, key, passphrase);
    const publicKey = toHex(key.publicKey);
    io.out(values.json ? JSON.stringify({ publicKey, keyFile: out, encrypted: passphrase !== undefined }) : publicKey);
    return EXIT.ok;
  },
};
