import { signingKeyFromSeed, type SigningKey } from '../../crypto/ed25519.js';
import { sha256 } from '../../crypto/hash.js';
import { utf8 } from '../../util/bytes.js';

/** Deterministic keys seeded by `label/i`, each derived once (the same in every run, so runs can share caches). */
export function seededKeys(label: string): (i: number) => SigningKey {
  const cache: SigningKey[] = [];
  return (i) => (cache[i] ??= signingKeyFromSeed(sha256(utf8(`${label}/${i}`))));
}
