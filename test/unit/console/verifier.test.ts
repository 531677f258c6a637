import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildTx, LedgerClient, type BlockJson, type TxAnswer } from '../../../src/client/index.js';
import type { Trust } from '../../../src/console/trust.js';
import { checkBlock, checkEntity, checkHistoryEntry, checkTx } from '../../../src/console/verifier.js';
import { toHex } from '../../../src/util/bytes.js';
import { testKey } from '../api/fake-chain.js';
import { startApi, type RunningApi } from '../api/harness.js';

// The console's verdicts over real answers of the API (a fake node's chain, real certificates):
// what each badge says for an honest answer, a changed one, and another member set.

const key = testKey(31);
let api: RunningApi;
let client: LedgerClient;
let trust: Trust;
let strangers: Trust;
let tx: TxAnswer;
let block: BlockJson;

const clone = <T>(x: T): T => structuredClone(x);

beforeAll(async () => {
  api = await startApi();
  client = new LedgerClient({ url: api.url });
  api.node.addAccount(key.publicKey, 'acct31');
  const { hash } = await client.submit(buildTx(key, 'test-chain', 'invoice.accept', { id: 'INV-V1' }, 0));
  api.node.commitPending();
  tx = await client.getTx(hash);
  block = (await client.getBlock(tx.height as number)) as BlockJson;
  trust = { genesis: undefined as never, hash: '', chainId: 'test-chain', members: api.node.chain.members };
  strangers = { ...trust, members: [40, 41, 42, 43].map((i) => ({ publicKey: testKey(i).publicKey })) };
});
afterAll(() => api.close());

describe('console verdicts', () => {
  test('an honest transaction and block are verified; another member set makes them fail', async () => {
    expect(checkTx(tx, trust)).toMatchObject({ state: 'verified' });
    expect(await checkBlock(block, trust, client)).toMatchObject({ state: 'verified', detail: expect.stringContaining('1 transactions match txRoot') });
    expect(checkTx(tx, strangers)).toMatchObject({ state: 'failed', code: 'QC_SIGNATURE_INVALID' });
    expect(await checkBlock(block, strangers, client)).toMatchObject({ state: 'failed', code: 'QC_SIGNATURE_INVALID' });
    expect(checkTx(tx, { ...trust, chainId: 'other' })).toMatchObject({ state: 'failed', code: 'CHAIN_ID_MISMATCH' });
  });

  test('a changed header, a changed body and a swapped transaction each fail with their code', async () => {
    const h = clone(block);
    h.header.timestampMs += 1;
    expect(await checkBlock(h, trust, client)).toMatchObject({ state: 'failed', code: 'BLOCK_HASH_MISMATCH' });
    const b = clone(block);
    (b.txs[0] as { nonce: number }).nonce += 1;
    expect(await checkBlock(b, trust, client)).toMatchObject({ state: 'failed', code: 'TX_HASH_MISMATCH' });
    // Consistent hashes, but not the transactions the header commits to.
    const other = await client.submit(buildTx(key, 'test-chain', 'invoice.accept', { id: 'INV-V2' }, 1));
    api.node.commitPending();
    const s = clone(block);
    s.txs = [(await client.getTx(other.hash)).tx as BlockJson['txs'][number]];
    expect(await checkBlock(s, trust, client)).toMatchObject({ state: 'failed', code: 'TX_ROOT_MISMATCH' });
  });

  test('a history entry must name a final transaction at its height, by its signer, of its contract', async () => {
    const e = { height: tx.height as number, txHash: tx.hash, type: 'invoice.accepted', signer: toHex(key.publicKey), timestampMs: 0, detail: {} };
    expect(await checkHistoryEntry(e, trust, client)).toMatchObject({ state: 'verified' });
    expect(await checkHistoryEntry({ ...e, height: e.height + 1 }, trust, client)).toMatchObject({ state: 'failed', code: 'HISTORY_MISMATCH' });
    expect(await checkHistoryEntry({ ...e, type: 'asset.registered' }, trust, client)).toMatchObject({ state: 'failed', code: 'HISTORY_MISMATCH' });
    expect(await checkHistoryEntry({ ...e, signer: '00'.repeat(32) }, trust, client)).toMatchObject({ state: 'failed', code: 'HISTORY_MISMATCH' });
  });

  test('an entity the certified state does not hold fails (a present one: test/e2e/console.test.ts)', async () => {
    expect(await checkEntity('invoice', 'NO-SUCH', trust, client)).toMatchObject({ state: 'failed', code: 'NOT_IN_STATE' });
  });

  test('a proof certified by another member set fails (a present entity and a changed shown field: test/e2e/console.test.ts)', async () => {
    expect(await checkEntity('invoice', 'NO-SUCH', strangers, client)).toMatchObject({ state: 'failed', code: 'QC_SIGNATURE_INVALID' });
  });
});
