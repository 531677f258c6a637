import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import type { LedgerClient } from '../../src/client/index.js';
import { auditChain, clientSource, type AuditSource } from '../../src/node/audit.js';
import { checkpointFromJson, type CheckpointJson } from '../../src/node/audit-checkpoint.js';
import { loadActor, StoryDriver, type Actor } from '../helpers/story-actors.js';
import { Testnet } from '../helpers/testnet.js';

// `ledger audit --checkpoint / --from` against a real node: a resumed audit verifies only the
// blocks after its checkpoint and ends exactly where a full audit ends; a checkpoint of another
// chain (a hash that is not the node's at its height) fails clearly.

describe('ledger audit --checkpoint / --from', () => {
  let net: Testnet;
  let client: LedgerClient;
  let keyFile: string;
  let story: StoryDriver;
  let supplier: Actor;
  let buyer: Actor;
  let h1: number;
  let h2: number;

  async function audit(...args: string[]): Promise<{ code: number; json: Record<string, unknown>; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['audit', '--node', net.nodes[0]!.api, '--key', keyFile, '--json', ...args], { out: (l) => void out.push(l), err: (l) => void err.push(l) });
    return { code, json: JSON.parse(out[out.length - 1] ?? '{}') as Record<string, unknown>, err };
  }
  const cp = (name: string): string => join(net.dir, name);
  const readCp = async (name: string): Promise<CheckpointJson> => JSON.parse(await readFile(cp(name), 'utf8')) as CheckpointJson;

  async function issue(id: string): Promise<number> {
    const a = await story.send(supplier, 'invoice.issue', { id, buyer: buyer.id, amount: '500', currency: 'EUR', dueDate: '2027-03-31', fingerprint: `fp:${id}` });
    expect(a.status).toBe('committed');
    return a.height as number;
  }

  beforeAll(async () => {
    net = await Testnet.create({ nodes: 1 });
    net.startAll();
    await net.waitReady();
    keyFile = net.init.accounts.find((a) => a.name === 'auditor')!.keyFile;
    [supplier, buyer] = (await Promise.all(['supplier', 'buyer'].map((n) => loadActor(net, n)))) as [Actor, Actor];
    client = await net.client(0);
    story = new StoryDriver(client, net.init.genesis.chainId);
    h1 = await issue('INV-R1');
  }, 120_000);
  afterAll(async () => {
    await net?.destroy();
  });

  it('a resumed audit verifies only the new blocks and ends where a full audit ends', async () => {
    const first = await audit('--to', String(h1), '--checkpoint', cp('cp1.json'));
    expect(first.code, first.err.join('\n')).toBe(0);
    expect(first.json).toMatchObject({ ok: true, height: h1, blocksVerified: h1, fromHeight: 0 });
    expect(first.err[0]).toBe(`trusting genesis ${first.json['genesisHash']} (chain ${net.init.genesis.chainId}, from ${net.nodes[0]!.api}/v1/genesis: compare its hash with the one you were given)`);
    const c1 = await readCp('cp1.json');
    expect(c1).toMatchObject({ height: h1, genesisHash: first.json['genesisHash'], memberChanges: [] });
    expect(c1.members).toEqual(net.init.genesis.members.map((m) => Buffer.from(m.publicKey).toString('hex')));

    await issue('INV-R2');
    // An idle chain writes no block past the last one it must commit (R24): audit up to the
    // block of the last transaction, which its committed answer says is final.
    h2 = await issue('INV-R3');
    await net.waitHeight(h2);

    const resumed = await audit('--from', cp('cp1.json'), '--to', String(h2), '--checkpoint', cp('cp2.json'));
    expect(resumed.code, resumed.err.join('\n')).toBe(0);
    expect(resumed.json).toMatchObject({ ok: true, height: h2, fromHeight: h1, blocksVerified: h2 - h1 });
    const full = await audit('--to', String(h2), '--checkpoint', cp('full.json'));
    expect(full.json).toMatchObject({ ok: true, height: h2, fromHeight: 0, blocksVerified: h2 });
    const [c2, cf] = await Promise.all([readCp('cp2.json'), readCp('full.json')]);
    expect(c2.hash).toBe(cf.hash);
    expect(c2.stateRoot).toBe(cf.stateRoot);
    expect(c2.members).toEqual(cf.members);
    expect(c2.state).toEqual(cf.state);
    expect(c2.state.length).toBeGreaterThan(c1.state.length);

    // Count what the resumed audit read and re-executed: nothing at or below the checkpoint but
    // the checkpoint block itself (its hash is compared), each new block once.
    const asked: number[] = [];
    const inner = clientSource(client);
    const counting: AuditSource = {
      async blocks(from, limit) {
        const got = await inner.blocks(from, limit);
        for (const b of got) asked.push(b.committed.block.header.height);
        return got;
      },
    };
    const verifiedHeights: number[] = [];
    const r = await auditChain(net.init.genesis, counting, { from: checkpointFromJson(c1, net.init.genesis), to: h2, onProgress: (h) => verifiedHeights.push(h) });
    expect(r).toMatchObject({ ok: true, blocksVerified: h2 - h1, height: h2 });
    expect(Math.min(...asked)).toBe(h1);
    expect(asked.filter((h) => h === h1)).toHaveLength(1);
    expect(new Set(asked.filter((h) => h > h1 && h <= h2)).size).toBe(h2 - h1);
  });

  it('a checkpoint whose hash is not the chain\'s fails clearly', async () => {
    const c1 = await readCp('cp1.json');
    await writeFile(cp('forged.json'), JSON.stringify({ ...c1, hash: c1.hash.replace(/^./, (c) => (c === '0' ? '1' : '0')) }));
    const run = await audit('--from', cp('forged.json'));
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ ok: false, badHeight: h1, blocksVerified: 0 });
    expect(String(run.json['reason'])).toContain(`the checkpoint does not match this chain: block ${h1} has hash`);
  });

  it('a checkpoint whose state does not hash to its stateRoot, or of another genesis, is refused', async () => {
    const c1 = await readCp('cp1.json');
    const [k, v] = c1.state[0]!;
    await writeFile(cp('state.json'), JSON.stringify({ ...c1, state: [[k, v.replace(/.$/, (c) => (c === '0' ? '1' : '0'))], ...c1.state.slice(1)] }));
    const state = await audit('--from', cp('state.json'));
    expect(state.code).toBe(1);
    expect(state.err.join('\n')).toMatch(/checkpoint .*state\.json: its state has root [0-9a-f]{64}, not the stateRoot/);
    await writeFile(cp('other.json'), JSON.stringify({ ...c1, genesisHash: '00'.repeat(32) }));
    const other = await audit('--from', cp('other.json'));
    expect(other.code).toBe(1);
    expect(other.err.join('\n')).toContain(`it was written for genesis ${'00'.repeat(32)}`);
  });
});
