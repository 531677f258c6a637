/**
 * Crypto micro-benchmarks (src/crypto): ed25519 verify on the node:crypto fast path (cached
 * KeyObject) and the noble reference path, sign, sha256 of 200 bytes on node:crypto and
 * @noble/hashes, a Merkle root over 1,000 hashes, and full transaction admission.
 * Run: `npx tsx bench/crypto.bench.ts`, or after `npm run build`: `node dist/bench/crypto.bench.js`.
 * Flags: see bench/lib/harness.ts. Results: bench/results/crypto.json.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { DOMAIN_TX_V1, encodeTxBody, signingBytes } from '../src/codec/index.js';
import { signMessage, signingKeyFromSeed, verifySignature, verifySignatureNoble } from '../src/crypto/ed25519.js';
import { sha256 } from '../src/crypto/hash.js';
import { merkleRoot } from '../src/crypto/merkle.js';
import { admitSignedTx, signTx } from '../src/crypto/tx.js';
import { toHex } from '../src/util/bytes.js';
import { benchSeed, runBenchSuite, seededBytes, seededRng } from './lib/harness.js';

const SEED = benchSeed(1);
const rng = seededRng(SEED);
const N = 256;
const keys = Array.from({ length: 64 }, () => signingKeyFromSeed(seededBytes(rng, 32)));
const txs = Array.from({ length: N }, (_, i) => signTx(keys[i % keys.length] ?? keys[0]!, {
  chainId: 'bench-chain', type: 'invoice.issue', nonce: i,
  payload: { id: `INV-${i}`, amount: String(rng() % 10_000_000), currency: 'EUR', fingerprint: toHex(seededBytes(rng, 32)) },
}));
// What admission verifies: domain ‖ chain id ‖ body, signed by 64 distinct keys.
const signed = txs.map((tx) => ({ pk: tx.signer, msg: signingBytes(DOMAIN_TX_V1, tx.chainId, encodeTxBody(tx)), sig: tx.signature }));
const msgBytes = signed[0]?.msg.length ?? 0;
const blobs = Array.from({ length: N }, () => seededBytes(rng, 200));
const hashes = Array.from({ length: 1000 }, () => seededBytes(rng, 32));

let i = 0;
const next = (): number => (i = (i + 1) % N);
const at = <T>(xs: readonly T[]): T => xs[next()] as T;
const verifyWith = (verify: typeof verifySignature) => (): boolean => {
  const s = at(signed);
  if (!verify(s.pk, s.msg, s.sig)) throw new Error('bench data does not verify');
  return true;
};

runBenchSuite({ name: 'crypto', seed: SEED, params: { signers: keys.length, signedBytes: msgBytes } }, [
  { id: `ed25519.verify node:crypto cached-KeyObject signers=${keys.length} msg=${msgBytes}B`, run: verifyWith(verifySignature) },
  { id: `ed25519.verify noble-reference signers=${keys.length} msg=${msgBytes}B`, run: verifyWith(verifySignatureNoble) },
  { id: `ed25519.sign node:crypto msg=${msgBytes}B`, run: () => signMessage(keys[i % keys.length] ?? keys[0]!, at(signed).msg) },
  { id: 'sha256 node:crypto 200B', run: () => sha256(at(blobs)) },
  { id: 'sha256 @noble/hashes 200B', run: () => nobleSha256(at(blobs)) },
  { id: 'merkleRoot items=1000 (32B hashes)', run: () => merkleRoot(hashes) },
  { id: 'admitSignedTx (encode + sha256 + verify)', run: () => admitSignedTx(at(txs)) },
]);
