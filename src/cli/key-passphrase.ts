import { PASSPHRASE_ENV, PASSPHRASE_FILE_ENV, resolvePassphrase } from '../crypto/keys.js';
import { OperationalError } from '../util/errors.js';

/**
 * The passphrase new key files are encrypted under (keygen, init): --passphrase-file, else the
 * environment, the same places every command that loads a key looks. undefined with
 * --plaintext; no passphrase at all is an error rather than a silent plaintext key.
 */
export async function newKeyPassphrase(values: { 'passphrase-file'?: string; plaintext?: boolean }): Promise<string | undefined> {
  if (values.plaintext === true) return undefined;
  const p = await resolvePassphrase(values['passphrase-file']);
  if (p === null || p === '') {
    throw new OperationalError('KEY_PASSPHRASE_MISSING', `no passphrase: set ${PASSPHRASE_ENV}, ${PASSPHRASE_FILE_ENV} or --passphrase-file FILE (or --plaintext for a test network)`);
  }
  return p;
}
