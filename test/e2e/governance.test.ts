import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerClient, loadKeyFile, type BlockJson, type MembersJson, type StatusJson } from '../../src/client/index.js';
import { loadActor, runCli, StoryDriver, type Actor } from '../helpers/story-actors.js';
import { auditorKeyFile, getJson, Testnet, waitUntil } from '../helpers/testnet.js';

// docs/transactions.md, Accounts and governance, and issue #5 item 5: on a running consortium of real
// processes, the members vote a fifth member in; it syncs from genesis across the change and
// starts voting; later a member is voted out and is refused by the others. docs/protocol.md
// R20/R21 (epochs) are what make it work.

async function status(net: Testnet, i: number): Promise<StatusJson> {
  return (await getJson<StatusJson>(`${net.nodes[i]?.api}/v1/status`)).body;
}

async function members(net: Testnet, i: number): Promise<MembersJson> {
  return (await getJson<MembersJson>(`${net.nodes[i]?.api}/v1/members`)).body;
}

async function block(net: Testnet, i: number, height: number): Promise<BlockJson> {
  return (await getJson<BlockJson>(`${net.nodes[i]?.api}/v1/blocks/${height}`)).body;
}

/** Every listed node has the same block hash at every height up to `height`. */
async function agree(net: Testnet, nodes: readonly number[], height: number): Promise<void> {
  for (let h = 1; h <= height; h++) {
    const hashes = await Promise.all(nodes.map((i) => net.blockHash(i, h)));
    expect(new Set(hashes).size, `block hashes at height ${h}: ${hashes.join(', ')}`).toBe(1);
  }
}

describe('member changes by vote on a running consortium', () => {
  let net: Testnet;
  let driver: StoryDriver;
  let m: Actor[];
  let newcomer: Awaited<ReturnType<Testnet['addNode']>>;

  beforeAll(async () => {
    net = await Testnet.create({ nodes: 4 });
    net.startAll();
    await net.waitReady();
    const client = await net.client(0);
    driver = new StoryDriver(client, (await client.status()).chainId);
    m = await Promise.all(['member1', 'member2', 'member3', 'member4'].map((n) => loadActor(net, n)));
    newcomer = await net.addNode('member5');
  }, 120_000);
  afterAll(async () => {
    await net.destroy();
  });

  it('votes a fifth member in; it syncs from genesis across the change and starts proposing and voting', async () => {
    const [m1, m2, m3] = m as [Actor, Actor, Actor];
    const propose = await driver.send(m1, 'member.propose', { action: 'add', member: { name: 'member5', publicKey: newcomer.publicKey, address: newcomer.address } });
    expect(propose.status).toBe('committed');
    const proposalId = propose.hash;
    expect((await driver.send(m2, 'member.vote', { proposalId, approve: true })).status).toBe('committed');
    const decisive = await driver.send(m3, 'member.vote', { proposalId, approve: true });
    expect(decisive.status).toBe('committed');
    const endHeight = decisive.height as number;
    // An idle chain writes no block (docs/protocol.md R24): a transaction makes epoch 1's first.
    await net.nudge(0);

    // The block of the decisive vote ends epoch 0 on every member; epoch 1 has five members.
    for (const i of [0, 1, 2, 3]) {
      await waitUntil(async () => (await status(net, i)).epoch === 1 && (await status(net, i)).height > endHeight, `member${i + 1} to enter epoch 1`);
      expect((await members(net, i)).members.map((x) => x.name)).toEqual(['member1', 'member2', 'member3', 'member4', 'member5']);
    }
    const first = await block(net, 0, endHeight + 1);
    expect(first.header.epoch).toBe(1);
    expect(first.header.parentQc, 'the first block of an epoch carries no QC').toBeNull();
    expect((await block(net, 0, endHeight)).header.epoch).toBe(0);

    // Four of five is a quorum: epoch 1 goes on before the newcomer even starts.
    for (let k = 0; k < 2; k++) await net.nudge(0);
    await net.waitHeight(endHeight + 3, [0, 1, 2, 3]);
    net.start(newcomer.index);
    await waitUntil(async () => (await status(net, newcomer.index)).validator, 'member5 to sync and start voting', 90_000);
    const log = await readFile(net.nodes[newcomer.index]?.logFile ?? '', 'utf8');
    expect(log, 'it starts as a follower').toContain('is not a member of the current member set');

    // It leads a view and its votes count: some epoch-1 block is proposed by index 4, and some
    // commit certificate carries its signature.
    let proposed = 0;
    let signed = 0;
    await waitUntil(async () => {
      // Blocks come only with transactions (R24): one per look.
      await net.waitHeight(await net.nudge(0), [newcomer.index]);
      proposed = 0;
      signed = 0;
      const top = await net.height(newcomer.index);
      for (let h = endHeight + 1; h <= top; h++) {
        const b = await block(net, newcomer.index, h);
        if (b.header.proposer === 4) proposed++;
        if (b.commitQc.signatures.some((s) => s.member === 4)) signed++;
      }
      return proposed > 0 && signed > 0;
    }, 'a block proposed by member5 and a certificate it signed', 90_000);
    const top = Math.min(...(await Promise.all([0, 1, 2, 3, 4].map((i) => net.height(i)))));
    await agree(net, [0, 1, 2, 3, 4], top);
  });

  it('votes a member out; the others refuse it and go on with four', async () => {
    const [m1, m2, m3, m4] = m as [Actor, Actor, Actor, Actor];
    const m5: Actor = { name: 'member5', key: await loadKeyFile(newcomer.keyFile), id: newcomer.publicKey, keyFile: newcomer.keyFile };
    const propose = await driver.send(m1, 'member.propose', { action: 'remove', member: { name: 'member4', publicKey: m4.id, address: (await members(net, 0)).members[3]?.address ?? '' } });
    const proposalId = propose.hash;
    await driver.send(m2, 'member.vote', { proposalId, approve: true });
    await driver.send(m3, 'member.vote', { proposalId, approve: true });
    // 3 of 5 is not more than 2/3: still epoch 1.
    expect((await status(net, 0)).epoch).toBe(1);
    const decisive = await driver.send(m5, 'member.vote', { proposalId, approve: true });
    expect(decisive.status).toBe('committed');
    const endHeight = decisive.height as number;
    await net.nudge(0);
    const stay = [0, 1, 2, 4];
    for (const i of stay) await waitUntil(async () => (await status(net, i)).epoch === 2, `${net.nodes[i]?.name} to enter epoch 2`);
    expect((await members(net, 0)).members.map((x) => x.name)).toEqual(['member1', 'member2', 'member3', 'member5']);

    // member4 learns it was removed (it committed the block that removed it) and stops voting.
    await waitUntil(async () => (await status(net, 3)).validator === false, 'member4 to stop voting');
    const removedAt = await net.height(3);
    expect(removedAt).toBeGreaterThanOrEqual(endHeight);
    for (let k = 0; k < 4; k++) await net.nudge(0);
    await net.waitHeight(endHeight + 5, stay);
    expect(await net.height(3), 'member4 is refused: nobody serves it new blocks').toBe(removedAt);
    for (const i of stay) {
      expect((await status(net, i)).peersConnected, `${net.nodes[i]?.name} is connected to the three remaining members only`).toBe(3);
    }
    const top = Math.min(...(await Promise.all(stay.map((i) => net.height(i)))));
    for (let h = endHeight + 1; h <= top; h++) {
      const b = await block(net, 0, h);
      expect(b.header.epoch, `height ${h}`).toBe(2);
      // Indices are positions in the new list: 0..3 = member1, member2, member3, member5.
      expect(b.header.proposer).toBeLessThan(4);
    }
    await agree(net, stay, top);
    // The removed member's key may no longer sign as a member: its vote is refused at admission.
    const refused = await driver.refuse(m4, 'member.vote', { proposalId, approve: true });
    expect(refused.code).toBe('ROLE_NOT_ALLOWED');
  });

  it('votes the removed member back in; it catches up from where it stopped and votes again', async () => {
    const [m1, m2, m3, m4] = m as [Actor, Actor, Actor, Actor];
    const address = (await getJson<{ members: { name: string; address: string }[] }>(`${net.nodes[0]?.api}/v1/genesis`)).body.members[3]?.address ?? '';
    const propose = await driver.send(m1, 'member.propose', { action: 'add', member: { name: 'member4', publicKey: m4.id, address } });
    await driver.send(m2, 'member.vote', { proposalId: propose.hash, approve: true });
    const decisive = await driver.send(m3, 'member.vote', { proposalId: propose.hash, approve: true });
    expect(decisive.status).toBe('committed');
    expect((await members(net, 0)).members.map((x) => x.name)).toEqual(['member1', 'member2', 'member3', 'member5', 'member4']);
    await waitUntil(async () => (await status(net, 3)).validator && (await status(net, 3)).epoch === 3, 'member4 to sync into epoch 3 and vote', 90_000);
    for (let k = 0; k < 3; k++) await net.nudge(0);
    const target = await net.height(0);
    await net.waitHeight(target, [0, 1, 2, 3, 4]);
    await agree(net, [0, 1, 2, 3, 4], target);
  });

  it('ledger audit verifies the whole chain across every member change, against any member', async () => {
    for (const i of [0, 3, 4]) {
      const r = await runCli(['audit', '--node', net.nodes[i]?.api ?? '', '--key', auditorKeyFile(net), '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.json?.['ok']).toBe(true);
      expect(r.json?.['height'] as number).toBeGreaterThan(8);
    }
  });
});
