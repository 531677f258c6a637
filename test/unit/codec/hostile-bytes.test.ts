import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DecodeError, decodeBlock, decodeCommittedBlock, decodeHeader, decodeQuorumCert, decodeReceipt, decodeTimeoutCert,
  decodeTxBody, decodeTxEnvelope, encodeBlock, encodeCommittedBlock, encodeHeader, encodeQuorumCert, encodeReceipt,
  encodeTimeoutCert, encodeTxEnvelope, pack, unpackCanonical, voteDataFromTuple,
} from '../../../src/codec/index.js';
import {
  arbBlock, arbByteString, arbCommittedBlock, arbHeader, arbQuorumCert, arbReceipt, arbTimeoutCert, arbTxEnvelope,
} from './codec-arbitraries.js';

// Any bytes from outside either decode or raise DecodeError: never another error, never a
// crash, never a corrupted decoder. And whatever decodes is canonical: re-encoding gives
// back exactly the input, so no two byte strings mean the same thing.

const RUNS = 10_000;
const CODES = new Set(['DECODE_MALFORMED', 'DECODE_TOO_LARGE', 'DECODE_NON_CANONICAL', 'DECODE_BAD_FIELD']);

const DECODERS: readonly (readonly [string, (b: Uint8Array) => unknown])[] = [
  ['txEnvelope', decodeTxEnvelope], ['txBody', decodeTxBody], ['receipt', decodeReceipt],
  ['voteData', (b) => voteDataFromTuple(unpackCanonical(b))], ['quorumCert', decodeQuorumCert],
  ['timeoutCert', decodeTimeoutCert], ['header', decodeHeader], ['block', decodeBlock],
  ['committedBlock', decodeCommittedBlock], ['committedBlock(trusted)', (b) => decodeCommittedBlock(b, { trusted: true })],
];

/** Runs fn; returns the DecodeError it threw, or null if it returned. Anything else fails the test. */
function decodeOrDecodeError(fn: () => unknown, what: string): DecodeError | null {
  try {
    fn();
    return null;
  } catch (e) {
    if (!(e instanceof DecodeError)) throw new Error(`${what} threw a non-DecodeError: ${String(e)}`, { cause: e });
    if (!CODES.has(e.code)) throw new Error(`${what} threw unknown code ${e.code}`);
    return e;
  }
}

// Garbage that reaches deeper than random bytes: well-formed MessagePack of the wrong shape
// (any JSON value with byte strings mixed in, floats included), and array headers followed by noise.
const arbShapedGarbage: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.letrec<{ v: unknown }>((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 2 }), arbByteString(34), fc.array(tie('v'), { maxLength: 7 })),
  })).v.map((v) => pack(v)),
  fc.tuple(fc.integer({ min: 0x90, max: 0x9f }), fc.uint8Array({ maxLength: 80 })).map(([h, rest]) => Uint8Array.of(h, ...rest)),
);

const arbGarbage = fc.oneof(fc.uint8Array({ maxLength: 96 }), arbShapedGarbage);

interface Codec { readonly name: string; readonly bytes: Uint8Array; readonly decode: (b: Uint8Array) => unknown; readonly encode: (v: never) => Uint8Array }

function codec<T>(name: string, arb: fc.Arbitrary<T>, encode: (v: T) => Uint8Array, decode: (b: Uint8Array) => T): fc.Arbitrary<Codec> {
  return arb.map((v) => ({ name, bytes: encode(v), decode, encode: encode as (v: never) => Uint8Array }));
}

const arbValidEncoding: fc.Arbitrary<Codec> = fc.oneof(
  codec('header', arbHeader, encodeHeader, decodeHeader),
  codec('quorumCert', arbQuorumCert, encodeQuorumCert, decodeQuorumCert),
  codec('timeoutCert', arbTimeoutCert, encodeTimeoutCert, decodeTimeoutCert),
  codec('block', arbBlock, encodeBlock, decodeBlock),
  codec('committedBlock', arbCommittedBlock, encodeCommittedBlock, decodeCommittedBlock),
  codec('receipt', arbReceipt, encodeReceipt, decodeReceipt),
);

type Mutation = { kind: 'flip' | 'set' | 'insert' | 'delete' | 'truncate' | 'append'; pos: number; byte: number };
const arbMutations = fc.array(
  fc.record({ kind: fc.constantFrom('flip', 'set', 'insert', 'delete', 'truncate', 'append'), pos: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  { minLength: 1, maxLength: 3 },
) as fc.Arbitrary<Mutation[]>;

function mutate(input: Uint8Array, ms: readonly Mutation[]): Uint8Array {
  let b = Array.from(input);
  for (const m of ms) {
    const i = b.length === 0 ? 0 : m.pos % b.length;
    if (m.kind === 'flip' && b.length > 0) b[i] = (b[i] as number) ^ (1 << (m.byte & 7));
    else if (m.kind === 'set' && b.length > 0) b[i] = m.byte;
    else if (m.kind === 'insert') b.splice(i, 0, m.byte);
    else if (m.kind === 'delete') b.splice(i, 1);
    else if (m.kind === 'truncate') b = b.slice(0, i);
    else if (m.kind === 'append') b.push(m.byte);
  }
  return Uint8Array.from(b);
}

/** Accepted bytes must be the canonical encoding of what they decode to. */
function expectCanonicalIfAccepted(bytes: Uint8Array, decode: (b: Uint8Array) => unknown, encode: (v: never) => Uint8Array, what: string): void {
  let decoded: unknown;
  const e = decodeOrDecodeError(() => { decoded = decode(bytes); }, what);
  if (e === null) expect(Buffer.from(encode(decoded as never)).equals(Buffer.from(bytes)), `${what}: accepted a non-canonical encoding`).toBe(true);
}

const GOOD_TX = fc.sample(arbTxEnvelope, { seed: 7, numRuns: 1 })[0];

describe('hostile bytes (fast-check)', () => {
  it('garbage never throws anything but DecodeError, and leaves the decoders working', () => {
    if (GOOD_TX === undefined) throw new Error('no sample');
    const good = encodeTxEnvelope(GOOD_TX);
    fc.assert(fc.property(arbGarbage, (bytes) => {
      for (const [name, decode] of DECODERS) decodeOrDecodeError(() => decode(bytes), name);
      expect(Buffer.from(encodeTxEnvelope(decodeTxEnvelope(good))).equals(Buffer.from(good))).toBe(true);
    }), { numRuns: RUNS });
  });

  it('mutated transactions are rejected with DecodeError or are canonical', () => {
    fc.assert(fc.property(arbTxEnvelope, arbMutations, (tx, ms) => {
      const bytes = mutate(encodeTxEnvelope(tx), ms);
      expectCanonicalIfAccepted(bytes, decodeTxEnvelope, encodeTxEnvelope as (v: never) => Uint8Array, 'txEnvelope');
    }), { numRuns: RUNS });
  });

  it('mutated headers, certificates, blocks and receipts are rejected with DecodeError or are canonical', () => {
    fc.assert(fc.property(arbValidEncoding, arbMutations, (c, ms) => {
      expectCanonicalIfAccepted(mutate(c.bytes, ms), c.decode, c.encode, c.name);
    }), { numRuns: RUNS });
  });

  it('trailing bytes after a valid encoding are DECODE_MALFORMED', () => {
    fc.assert(fc.property(arbValidEncoding, fc.uint8Array({ minLength: 1, maxLength: 8 }), (c, tail) => {
      const e = decodeOrDecodeError(() => c.decode(Uint8Array.from([...c.bytes, ...tail])), c.name);
      expect(e?.code, c.name).toBe('DECODE_MALFORMED');
    }), { numRuns: RUNS });
  });
});
