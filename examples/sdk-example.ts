// The README's client SDK example, kept compiling by `npm test` (typecheck). Run it against a
// devnet: npx tsx examples/sdk-example.ts
import { LedgerClient, buildTx, hexBytes, loadKeyFile, verifyTxInclusion } from '../src/client/index.js';

const key = await loadKeyFile('.devnet/supplier.key.json');
// Reads carry short-lived tokens this key signs; the supplier reads only its own data.
const client = new LedgerClient({ url: 'http://127.0.0.1:8080', key });
const { chainId } = await client.status();
const nonce = await client.nextNonce(key.publicKey);
const tx = buildTx(key, chainId, 'asset.register',
  { id: `WR-${Date.now()}`, kind: 'warehouse-receipt', fingerprint: `sha256:${Date.now()}`, metadata: { tons: 40 } }, nonce);
const { hash } = await client.submit(tx);
const answer = await client.waitForTx(hash); // committed or rejected, with proof
// Better: the member keys from the genesis file you trust.
const members = (await client.members()).members.map((m) => ({ publicKey: hexBytes(m.publicKey, 'publicKey') }));
const check = verifyTxInclusion(answer, members); // Merkle proof + commit certificate
if (!check.ok) throw new Error(check.error.message);
console.log(`${hash} ${answer.status} at height ${answer.height}, proof verified`);
