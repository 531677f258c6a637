import fc from 'fast-check';
import { canonicalPayload } from '../../../src/codec/payload.js';
import type { Block, BlockHeader, CommittedBlock, QuorumCert, TimeoutCert, VoteData } from '../../../src/types/block.js';
import type { Payload, PayloadValue } from '../../../src/types/primitives.js';
import type { TxEnvelope, TxReceipt } from '../../../src/types/tx.js';

// fast-check generators of VALID values for every wire type, within the decoders' limits.
// Integers lean on the encoding boundaries (fixint, 8/16/32 bits, int64, 2^53 - 1).

// PERF: fc.uint8Array draws every byte as its own arbitrary, which made a 10,000-run header
// property take 20 s here; expanding one 32-bit seed (xorshift32) is ~50x cheaper. Hashes and
// signatures are opaque to the codec, so shrinking them buys nothing.
function expand(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Exactly `n` random bytes (sometimes all 0x00 or all 0xff). */
export const arbBytes = (n: number): fc.Arbitrary<Uint8Array> => fc.oneof(
  { weight: 9, arbitrary: fc.integer().map((seed) => expand(seed, n)) },
  { weight: 1, arbitrary: fc.constantFrom(0x00, 0xff).map((b) => new Uint8Array(n).fill(b)) },
);

// fast-check builds records with a null prototype by default; decoders return plain objects.
function rec<T>(shape: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(shape, { noNullPrototype: true });
}

/** 0..maxLength random bytes. */
export const arbByteString = (maxLength: number): fc.Arbitrary<Uint8Array> =>
  fc.integer({ min: 0, max: maxLength }).chain((n) => arbBytes(n));

/** A non-negative safe integer, biased to the MessagePack width boundaries. */
export const arbUint: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 0, max: 300 }),
  fc.constantFrom(127, 128, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER),
  fc.integer({ min: 0, max: 2 ** 32 + 5 }),
  fc.maxSafeNat(),
);

/** Any safe integer, biased to the boundaries on both sides of zero. */
export const arbInt: fc.Arbitrary<number> = fc.oneof(
  arbUint,
  arbUint.map((n) => -n),
  fc.constantFrom(-32, -33, -128, -129, -32_768, -32_769, -(2 ** 31), -(2 ** 31) - 1),
);

// PERF: strings over a character set are ~5x cheaper to generate than fc.stringMatching.
const chars = (set: string): fc.Arbitrary<string> => fc.constantFrom(...set.split(''));
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const LETTERS = `${LOWER}${LOWER.toUpperCase()}`;
/** /^[A-Za-z0-9._:-]{1,64}$/ (CHAIN_ID_RE). */
const arbChainId = fc.string({ unit: chars(`${LETTERS}0123456789._:-`), minLength: 1, maxLength: 64 });
/** /^[a-z]{1,12}\.[a-z]{1,12}$/ (within TX_TYPE_RE). */
const arbTxType = fc.tuple(...[0, 1].map(() => fc.string({ unit: chars(LOWER), minLength: 1, maxLength: 12 }))).map((p) => p.join('.'));
/** /^[A-Za-z][A-Za-z0-9_]{0,10}$/ (payload keys). */
const arbKey = fc.tuple(chars(LETTERS), fc.string({ unit: chars(`${LETTERS}0123456789_`), maxLength: 10 })).map(([a, b]) => a + b);
const arbString = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 6 }));
const arbScalar: fc.Arbitrary<PayloadValue> = fc.oneof(fc.constant(null), fc.boolean(), arbInt, arbString);

// canonicalPayload allows containers down to depth 3 (the payload object itself is depth 0).
function arbValue(depth: number): fc.Arbitrary<PayloadValue> {
  if (depth > 3) return arbScalar;
  const child = arbValue(depth + 1);
  return fc.oneof(
    { weight: 4, arbitrary: arbScalar },
    { weight: 1, arbitrary: fc.array(child, { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.dictionary(arbKey, child, { maxKeys: 3, noNullPrototype: true }) },
  );
}

/** A canonical (sorted-key) transaction payload. */
export const arbPayload: fc.Arbitrary<Payload> = fc.dictionary(arbKey, arbValue(1), { maxKeys: 5, noNullPrototype: true }).map((p) => canonicalPayload(p));

/** A valid signed-looking transaction (the signature is random bytes: the codec does not verify). */
export const arbTxEnvelope: fc.Arbitrary<TxEnvelope> = rec({
  chainId: arbChainId, type: arbTxType, signer: arbBytes(32), nonce: arbUint, payload: arbPayload, signature: arbBytes(64),
});

/** A receipt, ok or rejected with a code and detail. */
export const arbReceipt: fc.Arbitrary<TxReceipt> = fc.oneof(
  rec({ hash: arbBytes(32), ok: fc.constant(true), code: fc.constant(null), detail: fc.constant(null) }),
  rec({
    hash: arbBytes(32), ok: fc.boolean(), code: fc.option(fc.stringMatching(/^[A-Z_]{1,64}$/), { nil: null }),
    detail: fc.option(fc.dictionary(arbKey, fc.oneof(arbString, arbInt), { maxKeys: 4, noNullPrototype: true }).map((d) => canonicalPayload(d) as Record<string, string | number>), { nil: null }),
  }),
);

/** VoteData. */
export const arbVoteData: fc.Arbitrary<VoteData> = rec({
  epoch: arbUint, view: arbUint, height: arbUint, blockHash: arbBytes(32), parentView: arbUint, parentHash: arbBytes(32),
});

const arbMembers = fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { maxLength: 7 }).map((m) => m.sort((a, b) => a - b));

/** A QC with 0..7 signatures sorted by member. */
export const arbQuorumCert: fc.Arbitrary<QuorumCert> = rec({
  data: arbVoteData,
  // Spread: fast-check tags tuples with a symbol property that deep equality would see.
  signatures: arbMembers.chain((ms) => fc.tuple(...ms.map((m) => arbBytes(64).map((signature) => ({ member: m, signature }))))).map((t) => [...t]),
});

/** A TC with 0..7 signatures sorted by member. */
export const arbTimeoutCert: fc.Arbitrary<TimeoutCert> = rec({
  epoch: arbUint,
  view: arbUint,
  signatures: arbMembers.chain((ms) => fc.tuple(...ms.map((m) => rec({ member: fc.constant(m), highQcView: arbUint, signature: arbBytes(64) })))).map((t) => [...t]),
  highQc: fc.option(arbQuorumCert, { nil: null }),
});

/** A header, with or without parentQc. */
export const arbHeader: fc.Arbitrary<BlockHeader> = rec({
  chainId: arbChainId, epoch: arbUint, height: arbUint.map((h) => Math.max(1, h)), view: arbUint,
  parentHash: arbBytes(32), txRoot: arbBytes(32), stateRoot: arbBytes(32), receiptsRoot: arbBytes(32),
  proposer: fc.integer({ min: 0, max: 255 }), timestampMs: arbUint, parentQc: fc.option(arbQuorumCert, { nil: null }),
});

/** A block whose transactions are opaque byte strings (the block codec does not decode them). */
export const arbBlock: fc.Arbitrary<Block> = rec({ header: arbHeader, txs: fc.array(arbByteString(40), { maxLength: 4 }) });

/** A committed block, sometimes the last of an epoch with a suffix of headers. */
export const arbCommittedBlock: fc.Arbitrary<CommittedBlock> = fc.oneof(
  rec({ block: arbBlock, hash: arbBytes(32), commitQc: arbQuorumCert, certifiedHeight: arbUint.map((h) => Math.max(1, h)) }),
  rec({
    block: arbBlock, hash: arbBytes(32), commitQc: arbQuorumCert, certifiedHeight: arbUint.map((h) => Math.max(1, h)),
    suffix: fc.array(arbHeader, { minLength: 1, maxLength: 3 }),
  }),
);
