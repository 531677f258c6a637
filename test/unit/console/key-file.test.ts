import { describe, expect, it } from 'vitest';
import { KeyFileError, isEncrypted, openKeyFile } from '../../../src/console/key-file.js';
import { encryptKey, keyToFile } from '../../../src/crypto/keys.js';
import { signingKeyFromSeed } from '../../../src/crypto/ed25519.js';

// The console opens `ledger keygen` files in the browser (scrypt + WebCrypto AES-GCM, both
// present in Node too): the same key as crypto/keys.ts, and a clear refusal otherwise.

describe('console key files', () => {
  const key = signingKeyFromSeed(new Uint8Array(32).fill(3));

  it('opens a plaintext key file', async () => {
    const file = keyToFile(key);
    expect(isEncrypted(file)).toBe(false);
    expect((await openKeyFile(file)).publicKey).toEqual(key.publicKey);
  });

  it('opens an encrypted key file with its passphrase and refuses a wrong one', async () => {
    const file = encryptKey(key, 'correct horse');
    expect(isEncrypted(file)).toBe(true);
    expect((await openKeyFile(file, 'correct horse')).seed).toEqual(key.seed);
    await expect(openKeyFile(file, 'wrong')).rejects.toThrow(/wrong passphrase/);
    // The public key is bound as associated data: another key's name on the same ciphertext fails.
    const other = keyToFile(signingKeyFromSeed(new Uint8Array(32).fill(4))).publicKey;
    await expect(openKeyFile({ ...file, publicKey: other }, 'correct horse')).rejects.toThrow(KeyFileError);
  });

  it('refuses a file whose secret is not its public key, or that is not a key file', async () => {
    const file = keyToFile(key);
    const other = keyToFile(signingKeyFromSeed(new Uint8Array(32).fill(5)));
    await expect(openKeyFile({ ...file, publicKey: other.publicKey })).rejects.toThrow(/does not match/);
    await expect(openKeyFile({ type: 'rsa' })).rejects.toThrow(KeyFileError);
    await expect(openKeyFile(null)).rejects.toThrow(KeyFileError);
    await expect(openKeyFile({ ...file, secretKey: 'zz' })).rejects.toThrow(/secretKey/);
  });
});
