import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerClient, type TxAnswer } from '../../src/client/index.js';
import { loadActor, runCli, StoryDriver, type Actor } from '../helpers/story-actors.js';
import { flipStateValue, flipTxByte, forgeTxField, whitewashReceipt } from '../helpers/story-corrupt.js';
import { Testnet } from '../helpers/testnet.js';

// `ledger audit --data DIR` on a stopped member's LevelDB: it passes on the real directory and
// fails, naming the first bad height, on copies damaged in one place each.

describe('ledger audit --data', () => {
  let net: Testnet;
  let dataDir: string;
  let headHeight: number;
  let issued: TxAnswer;
  let refused: TxAnswer;
  const scratch: string[] = [];

  async function damagedCopy(name: string, damage: (dir: string) => Promise<void>): Promise<string> {
    const dir = join(net.dir, 'copies', name);
    await cp(dataDir, dir, { recursive: true });
    await damage(dir);
    return dir;
  }

  beforeAll(async () => {
    net = await Testnet.create({ nodes: 4 });
    net.startAll();
    await net.waitReady();
    const [supplier, buyer] = (await Promise.all(['supplier', 'buyer'].map((n) => loadActor(net, n)))) as [Actor, Actor];
    const story = new StoryDriver(await net.client(0), net.init.genesis.chainId);
    issued = await story.send(supplier, 'invoice.issue', {
      id: 'INV-A1', buyer: buyer.id, amount: '250000', currency: 'EUR', dueDate: '2027-03-31', fingerprint: 'de-vat:123:0001',
    });
    expect(issued.status).toBe('committed');
    expect((await story.send(buyer, 'invoice.accept', { id: 'INV-A1' })).status).toBe('committed');
    refused = await story.send(supplier, 'invoice.cancel', { id: 'INV-A1' });
    expect(refused.receipt?.code).toBe('INVOICE_NOT_ISSUED');
    // A few more blocks on top, so damage sits in the middle of the chain, then stop member4
    // (an idle chain writes none, docs/protocol.md R24: transactions make them).
    for (let k = 0; k < 3; k++) await net.nudge(k);
    await net.waitHeight((refused.height as number) + 3);
    const gone = net.exited(3);
    net.nodes[3]?.proc?.kill('SIGTERM');
    expect(await gone).toEqual({ code: 0, signal: null });
    dataDir = net.init.members[3]?.dataDir as string;
  });
  afterAll(async () => {
    await net?.destroy();
    for (const d of scratch) await rm(d, { recursive: true, force: true });
  });

  it('passes on the stopped member\'s data directory (genesis found next to it)', async () => {
    const run = await runCli(['audit', '--data', dataDir, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ ok: true });
    headHeight = run.json?.['blocksVerified'] as number;
    expect(headHeight).toBeGreaterThanOrEqual((refused.height as number) + 3);
    expect(run.json?.['height']).toBe(headHeight);
  });

  it('fails at the height of a block whose transaction bytes were flipped', async () => {
    const h = issued.height as number;
    const dir = await damagedCopy('tx-byte', (d) => flipTxByte(d, h));
    const run = await runCli(['audit', '--data', dir, '--json']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.json).toMatchObject({ ok: false, badHeight: h, blocksVerified: h - 1 });
    expect(String(run.json?.['reason'])).toMatch(/root differs|invalid block/);
  });

  it('fails at the height of a block whose transaction was forged and re-encoded (signature kept)', async () => {
    const h = issued.height as number;
    const dir = await damagedCopy('tx-forged', (d) => forgeTxField(d, h, 'amount', '2500000'));
    const run = await runCli(['audit', '--data', dir, '--json', '--genesis', net.init.genesisFile]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.json).toMatchObject({ ok: false, badHeight: h });
    expect(String(run.json?.['reason'])).toMatch(/root differs|invalid block/);
  });

  it('fails at the height of a stored receipt turned from rejected into ok', async () => {
    const h = refused.height as number;
    const dir = await damagedCopy('receipt', (d) => whitewashReceipt(d, h));
    const run = await runCli(['audit', '--data', dir, '--json']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.json).toMatchObject({ ok: false, badHeight: h, reason: 'receipts differ from re-execution' });
  });

  it('fails at the head when a stored world-state value differs from re-execution', async () => {
    const dir = await damagedCopy('state', (d) => flipStateValue(d, 'inv/INV-A1'));
    const run = await runCli(['audit', '--data', dir, '--json']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.json).toMatchObject({ ok: false, badHeight: headHeight });
    expect(String(run.json?.['reason'])).toMatch(/stored world state/);
  });

  it('exits 2 with a usage message when no genesis can be found', async () => {
    const lonely = await mkdtemp(join(tmpdir(), 'ledger-audit-'));
    scratch.push(lonely);
    const dir = join(lonely, 'member4');
    await cp(dataDir, dir, { recursive: true });
    const run = await runCli(['audit', '--data', dir, '--json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/genesis/);
    expect(run.stderr).toMatch(/Usage: ledger audit/);
    expect(run.json).toBeNull();
  });
});
