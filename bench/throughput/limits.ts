import { signMessage, verifySignature } from '../../src/crypto/ed25519.js';
import { generateSigningKey } from '../../src/crypto/keys.js';
import { measureLevelPutsPerSec } from '../../src/storage/measure.js';

/**
 * ed25519 verifications per second on one core, the way admission verifies (node:crypto,
 * cached KeyObject per signer, ~300-byte messages), measured for `ms` after a warm-up.
 */
export function measureVerifyPerSecPerCore(ms = 1500): number {
  const keys = Array.from({ length: 16 }, () => generateSigningKey());
  const items = Array.from({ length: 256 }, (_, i) => {
    const k = keys[i % keys.length] as (typeof keys)[number];
    const msg = new Uint8Array(300).fill(i & 0xff);
    return { pk: k.publicKey, msg, sig: signMessage(k, msg) };
  });
  for (const it of items) verifySignature(it.pk, it.msg, it.sig);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    for (const it of items) if (verifySignature(it.pk, it.msg, it.sig)) n++;
  }
  return Math.round(n / ((performance.now() - t0) / 1000));
}

/** LevelDB batched puts per second (1,000-key synced batches of 300-byte values). */
export async function measureLevelPuts(): Promise<number> {
  return Math.round((await measureLevelPutsPerSec({ batchSize: 1000, batches: 20 })).putsPerSec);
}
