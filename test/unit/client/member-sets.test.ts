import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LedgerClient, memberSetsFrom, verifyStateAnswer, type FinalityJson, type MemberChangeJson } from '../../../src/client/index.js';
import type { Genesis } from '../../../src/types/genesis.js';
import { toHex } from '../../../src/util/bytes.js';
import { testKey } from '../api/fake-chain.js';
import { startApi, type RunningApi } from '../api/harness.js';

// memberSetsFrom: the member set of a height from the genesis and the changes since, each
// change admitted only in order and, when it carries its root, only if the previous members
// certified that root as the last block of their epoch.

let api: RunningApi;
let genesis: Genesis;
let root: FinalityJson;
let head: number;
const newKeys = [testKey(201), testKey(202)].map((k) => toHex(k.publicKey));

beforeAll(async () => {
  api = await startApi();
  const k = testKey(7);
  api.node.addAccount(k.publicKey, 'x');
  api.node.commitPending();
  api.node.commitPending();
  genesis = {
    chainId: 'test-chain', genesisTimeMs: 1_700_000_000_000,
    consensus: { viewTimeoutMs: 1000, maxViewTimeoutMs: 10_000, maxBlockTxs: 1000, maxBlockBytes: 1 << 20, heartbeatMinutes: 0 },
    members: [...api.node.chain.members], accounts: [],
  };
  const a = await new LedgerClient({ url: api.url }).stateProof('00');
  head = a.height;
  root = { header: a.header, blockHash: a.blockHash, commitQc: a.commitQc, certifiedHeight: a.certifiedHeight, links: a.links };
});
afterAll(() => api.close());

describe('memberSetsFrom', () => {
  test('picks the genesis members below a change and the new ones from its start height', async () => {
    const r = memberSetsFrom(genesis, [{ epoch: 1, startHeight: head + 1, members: newKeys, root }]);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (!r.ok) return;
    expect(r.value.membersAt(head).map((m) => toHex(m.publicKey))).toEqual(genesis.members.map((m) => toHex(m.publicKey)));
    expect(r.value.membersAt(head + 1).map((m) => toHex(m.publicKey))).toEqual(newKeys);
    expect([r.value.epochAt(1), r.value.epochAt(head + 5)]).toEqual([0, 1]);
    expect(r.value.changes()).toEqual([{ epoch: 1, startHeight: head + 1, members: newKeys }]);
    // Answers from before the change still verify against it.
    const a = await new LedgerClient({ url: api.url }).stateProof('00');
    expect(verifyStateAnswer(a, r.value).ok).toBe(true);
  });

  test.each<[string, MemberChangeJson[], string]>([
    ['skips an epoch', [{ epoch: 2, startHeight: 9, members: newKeys }], 'MEMBER_CHANGE_INVALID'],
    ['starts at or below the previous epoch', [{ epoch: 1, startHeight: 1, members: newKeys }], 'MEMBER_CHANGE_INVALID'],
    ['lists a key twice', [{ epoch: 1, startHeight: 9, members: [newKeys[0]!, newKeys[0]!] }], 'MEMBER_CHANGE_INVALID'],
    ['lists no key', [{ epoch: 1, startHeight: 9, members: [] }], 'MEMBER_CHANGE_INVALID'],
  ])('refuses a change that %s', (_, changes, code) => {
    const r = memberSetsFrom(genesis, changes);
    expect(r.ok ? 'ok' : r.error.code).toBe(code);
  });

  test('refuses a root that is not the last block of the previous epoch, or not certified by its members', () => {
    const early = memberSetsFrom(genesis, [{ epoch: 1, startHeight: head + 2, members: newKeys, root }]);
    expect(early.ok ? 'ok' : early.error.message).toMatch(/root is not the last block/);
    const forged = structuredClone(root);
    forged.header.stateRoot = forged.header.stateRoot.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const f = memberSetsFrom(genesis, [{ epoch: 1, startHeight: head + 1, members: newKeys, root: forged }]);
    expect(f.ok ? 'ok' : f.error.code).toBe('BLOCK_HASH_MISMATCH');
    const strangers = memberSetsFrom({ ...genesis, members: [{ name: 'z', publicKey: testKey(99).publicKey, address: '/ip4/127.0.0.1/tcp/1' }] }, [{ epoch: 1, startHeight: head + 1, members: newKeys, root }]);
    expect(strangers.ok ? 'ok' : strangers.error.code).toBe('QC_SIGNATURE_INVALID');
  });
});
