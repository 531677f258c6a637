import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { qcToJson } from '../../../src/api/json.js';
import { encodeHeader } from '../../../src/codec/block.js';
import { buildTx, LedgerClient, verifyStateAnswer, verifyTxInclusion, type StateAnswer, type TxAnswer } from '../../../src/client/index.js';
import { headerFromJson } from '../../../src/client/wire.js';
import { sha256 } from '../../../src/crypto/hash.js';
import { toHex, utf8 } from '../../../src/util/bytes.js';
import { testKey } from '../api/fake-chain.js';
import { startApi, type RunningApi } from '../api/harness.js';

const keys = [testKey(11), testKey(12), testKey(13)];
let api: RunningApi;
let client: LedgerClient;
let members: readonly { publicKey: Uint8Array }[];
/** Answers for: a lone tx in a directly committed block, a tx in a 3-tx block committed as an ancestor, a rejected tx. */
let lone: TxAnswer;
let ancestor: TxAnswer;
let rejected: TxAnswer;
let present: StateAnswer;
let absent: StateAnswer;

const clone = <T>(x: T): T => structuredClone(x);
const flipHex = (h: string, at = 0): string => h.slice(0, at) + (h[at] === '0' ? '1' : '0') + h.slice(at + 1);

function expectTxFails(a: TxAnswer, code: string): void {
  const r = verifyTxInclusion(a, members);
  expect(r.ok ? 'ok' : r.error.code).toBe(code);
}

function expectStateFails(a: StateAnswer, code: string): void {
  const r = verifyStateAnswer(a, members);
  expect(r.ok ? 'ok' : r.error.code).toBe(code);
}

beforeAll(async () => {
  api = await startApi();
  client = new LedgerClient({ url: api.url });
  members = api.node.chain.members;
  for (const k of keys) api.node.addAccount(k.publicKey, toHex(k.publicKey).slice(0, 8));
  const submit = async (k: number, nonce: number): Promise<string> => (await client.submit(buildTx(keys[k]!, 'test-chain', 'invoice.accept', { id: `INV-${k}-${nonce}` }, nonce))).hash;
  const h0 = await submit(0, 0);
  api.node.commitPending();
  // Three blocks in views with gaps: the first two are committed as ancestors of the third.
  const hs = [await submit(0, 1), await submit(1, 0), await submit(2, 0), await submit(1, 1), await submit(2, 1), await submit(0, 2)];
  api.node.commitPending(new Map([[hs[5]!, { code: 'INVOICE_FROZEN' }]]), 3);
  lone = await client.getTx(h0);
  ancestor = await client.getTx(hs[1]!);
  rejected = await client.getTx(hs[5]!);
  present = await client.stateProof(utf8(`nonce/${toHex(keys[1]!.publicKey)}`));
  absent = await client.stateProof('00');
});
afterAll(() => api.close());

describe('verifyTxInclusion', () => {
  test('accepts real answers: direct commit, ancestor with links, rejected transaction', () => {
    expect(ancestor.links?.length, 'ancestor answer needs links').toBe(2);
    expect(ancestor.proof?.siblings.length).toBeGreaterThan(0);
    for (const a of [lone, ancestor, rejected]) {
      const r = verifyTxInclusion(a, members, { chainId: 'test-chain' });
      expect(r.ok, JSON.stringify(r)).toBe(true);
    }
    const r = verifyTxInclusion(rejected, members);
    expect(r.ok && r.value.status).toBe('rejected');
    expect(r.ok && r.value.height).toBe(rejected.height);
  });

  test('pending and unknown answers are not proofs', () => {
    expectTxFails({ hash: lone.hash, status: 'pending', tx: lone.tx! }, 'NOT_COMMITTED');
    expectTxFails({ hash: lone.hash, status: 'unknown' }, 'NOT_COMMITTED');
    const { proof: _p, ...noProof } = lone;
    expectTxFails(noProof, 'MALFORMED');
  });

  test('rejects tampered transactions, proofs and headers', () => {
    const a = clone(ancestor);
    a.tx!.payload = { id: 'INV-999' };
    expectTxFails(a, 'TX_HASH_MISMATCH');
    const b = clone(ancestor);
    b.tx!.signature = flipHex(b.tx!.signature, 10);
    expectTxFails(b, 'TX_SIGNATURE_INVALID');
    const c = clone(ancestor);
    c.proof!.siblings[0] = flipHex(c.proof!.siblings[0]!);
    expectTxFails(c, 'INCLUSION_PROOF_INVALID');
    const d = clone(ancestor);
    d.proof!.index = (d.proof!.index + 1) % d.proof!.size;
    d.index = d.proof!.index;
    expectTxFails(d, 'INCLUSION_PROOF_INVALID');
    const e = clone(ancestor);
    e.header!.txRoot = flipHex(e.header!.txRoot);
    expectTxFails(e, 'BLOCK_HASH_MISMATCH');
    const f = clone(ancestor);
    f.receipt!.ok = false;
    expectTxFails(f, 'MALFORMED');
    expect(verifyTxInclusion(ancestor, members, { chainId: 'other-chain' })).toMatchObject({ ok: false, error: { code: 'CHAIN_ID_MISMATCH' } });
  });

  test('a header forged consistently (its hash recomputed) is caught by the certificate', () => {
    const a = clone(lone);
    a.header!.txRoot = toHex(sha256(utf8('forged')));
    a.blockHash = toHex(sha256(encodeHeaderJson(a.header!)));
    expectTxFails(a, 'QC_NOT_FOR_BLOCK');
  });

  test('links must chain from the block to the certified block', () => {
    const a = clone(ancestor);
    a.links!.pop();
    expectTxFails(a, 'LINK_BROKEN');
    const b = clone(ancestor);
    b.links!.reverse();
    expectTxFails(b, 'LINK_BROKEN');
    const c = clone(ancestor);
    c.links![0]!.timestampMs += 1;
    expectTxFails(c, 'LINK_BROKEN');
    const d = clone(ancestor);
    d.certifiedHeight = (d.certifiedHeight ?? 0) - 1;
    expectTxFails(d, 'LINK_BROKEN');
  });

  test('the certificate needs > 2/3 valid, distinct member signatures', () => {
    const a = clone(lone);
    a.commitQc!.signatures.pop();
    expectTxFails(a, 'QC_QUORUM_MISSING');
    const b = clone(lone);
    b.commitQc!.signatures[1]!.signature = flipHex(b.commitQc!.signatures[1]!.signature, 3);
    expectTxFails(b, 'QC_SIGNATURE_INVALID');
    const c = clone(lone);
    c.commitQc!.signatures[1] = clone(c.commitQc!.signatures[0]!);
    expectTxFails(c, 'QC_SIGNATURE_INVALID');
    const d = clone(lone);
    d.commitQc!.signatures[2]!.member = 7;
    expectTxFails(d, 'QC_SIGNATURE_INVALID');
    // The same answer checked against another member set: nobody it trusts signed it.
    const strangers = [20, 21, 22, 23].map((i) => ({ publicKey: testKey(i).publicKey }));
    expect(verifyTxInclusion(lone, strangers)).toMatchObject({ ok: false, error: { code: 'QC_SIGNATURE_INVALID' } });
  });

  test('2-chain rule: a well-signed QC proves commit only for a child in the very next view', () => {
    const chain = api.node.chain;
    const rec = chain.block(lone.height!)!;
    const h = rec.committed.block.header;
    // A QC on the block itself certifies it but does not commit it.
    const onItself = clone(lone);
    onItself.commitQc = qcToJson(chain.certify(h, rec.committed.hash));
    expectTxFails(onItself, 'QC_NOT_FOR_BLOCK');
    // A QC on a child two views later (a view was skipped) is not a commit certificate.
    const gap = clone(lone);
    gap.commitQc = qcToJson(chain.qc(h, rec.committed.hash, h.view + 2, sha256(utf8('child'))));
    expectTxFails(gap, 'QC_NOT_CONSECUTIVE');
    // Signed by only two of four members: not a quorum.
    const two = clone(lone);
    two.commitQc = qcToJson(chain.qc(h, rec.committed.hash, h.view + 1, sha256(utf8('child')), [0, 3]));
    expectTxFails(two, 'QC_QUORUM_MISSING');
    // Any three of four are: the verifier does not care which.
    const other = clone(lone);
    other.commitQc = qcToJson(chain.qc(h, rec.committed.hash, h.view + 1, sha256(utf8('child')), [1, 2, 3]));
    expect(verifyTxInclusion(other, members).ok).toBe(true);
  });

  test('any single changed field of an answer fails verification, and nothing throws', () => {
    const leaves = leafPaths(ancestor).filter((p) => !p.startsWith('receipt.code') && !p.startsWith('receipt.detail'));
    expect(leaves.length).toBeGreaterThan(40);
    fc.assert(
      fc.property(fc.constantFrom(...leaves), fc.nat(200), (path, at) => {
        const a = mutate(ancestor, path, at);
        expect(verifyTxInclusion(a, members).ok, path).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  test('garbage answers fail as MALFORMED instead of throwing', () => {
    fc.assert(
      fc.property(fc.anything(), (junk) => {
        const a = { ...clone(lone), header: junk } as unknown as TxAnswer;
        expect(verifyTxInclusion(a, members).ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe('verifyStateAnswer', () => {
  test('accepts membership and non-membership answers', () => {
    expect(present.value).not.toBeNull();
    expect(absent.value).toBeNull();
    for (const a of [present, absent]) expect(verifyStateAnswer(a, members, { chainId: 'test-chain' }).ok).toBe(true);
    const r = verifyStateAnswer(present, members);
    expect(r.ok && toHex(r.value.value!)).toBe(present.value);
  });

  test('rejects changed values, proofs, roots and certificates', () => {
    const a = clone(present);
    a.value = '00'.repeat(8);
    expectStateFails(a, 'STATE_PROOF_INVALID');
    const b = clone(present);
    b.value = b.proof.value = '00'.repeat(8);
    expectStateFails(b, 'STATE_PROOF_INVALID');
    const c = clone(absent);
    c.proof.siblings[0] = flipHex(c.proof.siblings[0] ?? '00'.repeat(32));
    expect(verifyStateAnswer(c, members).ok).toBe(false);
    const d = clone(present);
    d.stateRoot = flipHex(d.stateRoot);
    expectStateFails(d, 'STATE_ROOT_MISMATCH');
    const e = clone(present);
    e.commitQc.signatures.pop();
    expectStateFails(e, 'QC_QUORUM_MISSING');
    const f = clone(present);
    f.proof = { junk: true } as never;
    expectStateFails(f, 'MALFORMED');
  });

  test('any single changed field fails verification', () => {
    const leaves = leafPaths(present);
    fc.assert(
      fc.property(fc.constantFrom(...leaves), fc.nat(200), (path, at) => {
        expect(verifyStateAnswer(mutate(present, path, at), members).ok, path).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

function encodeHeaderJson(h: NonNullable<TxAnswer['header']>): Uint8Array {
  return encodeHeader(headerFromJson(h));
}

/** Dotted paths of every primitive leaf (array indexes as numbers). */
function leafPaths(v: unknown, prefix = ''): string[] {
  if (v === null || typeof v !== 'object') return prefix === '' ? [] : [prefix];
  return Object.entries(v).flatMap(([k, x]) => leafPaths(x, prefix === '' ? k : `${prefix}.${k}`));
}

/** A copy with the leaf at `path` changed: hex strings get a flipped nibble, others a new value. */
function mutate<T>(answer: T, path: string, at: number): T {
  const copy = clone(answer) as Record<string, unknown>;
  const parts = path.split('.');
  let o = copy;
  for (const p of parts.slice(0, -1)) o = o[p] as Record<string, unknown>;
  const last = parts[parts.length - 1]!;
  const v = o[last];
  if (typeof v === 'string') o[last] = /^[0-9a-f]+$/.test(v) ? flipHex(v, at % v.length) : `${v}x`;
  else if (typeof v === 'number') o[last] = v + 1;
  else if (typeof v === 'boolean') o[last] = !v;
  else o[last] = 'x';
  return copy as T;
}
