import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeBlock, decodeCommittedBlock, decodeHeader, decodeQuorumCert, decodeReceipt, decodeTimeoutCert, decodeTxBody,
  decodeTxEnvelope, encodeBlock, encodeCommittedBlock, encodeHeader, encodeQuorumCert, encodeReceipt, encodeTimeoutCert,
  encodeTxBody, encodeTxEnvelope,
} from '../../../src/codec/index.js';
import {
  arbBlock, arbCommittedBlock, arbHeader, arbQuorumCert, arbReceipt, arbTimeoutCert, arbTxEnvelope,
} from './codec-arbitraries.js';

// decode(encode(x)) = x and encode(decode(b)) = b for valid values of every wire type.

const RUNS = 10_000;

function roundTrips<T>(encode: (x: T) => Uint8Array, decode: (b: Uint8Array) => T): (x: T) => void {
  return (x) => {
    const bytes = encode(x);
    const back = decode(bytes);
    // PERF: node's isDeepStrictEqual compares typed arrays with memcmp; expect().toEqual walks
    // them element by element and dominated the run time.
    if (!isDeepStrictEqual(back, x)) expect(back).toEqual(x);
    expect(Buffer.from(encode(back)).equals(Buffer.from(bytes))).toBe(true);
  };
}

describe('codec round trips (fast-check)', () => {
  it('tx envelope and tx body', () => {
    fc.assert(fc.property(arbTxEnvelope, (tx) => {
      roundTrips(encodeTxEnvelope, decodeTxEnvelope)(tx);
      const { signature: _signature, ...body } = tx;
      roundTrips(encodeTxBody, decodeTxBody)(body);
    }), { numRuns: RUNS });
  });

  it('header, with and without parentQc', () => {
    fc.assert(fc.property(arbHeader, roundTrips(encodeHeader, decodeHeader)), { numRuns: RUNS });
  });

  it('quorum certificate', () => {
    fc.assert(fc.property(arbQuorumCert, roundTrips(encodeQuorumCert, decodeQuorumCert)), { numRuns: RUNS });
  });

  it('block', () => {
    fc.assert(fc.property(arbBlock, roundTrips(encodeBlock, decodeBlock)), { numRuns: RUNS });
  });

  it('timeout certificate, receipt and committed block', () => {
    fc.assert(fc.property(arbTimeoutCert, roundTrips(encodeTimeoutCert, decodeTimeoutCert)), { numRuns: 2_000 });
    fc.assert(fc.property(arbReceipt, roundTrips(encodeReceipt, decodeReceipt)), { numRuns: 2_000 });
    fc.assert(fc.property(arbCommittedBlock, (c) => {
      roundTrips(encodeCommittedBlock, decodeCommittedBlock)(c);
      expect(isDeepStrictEqual(decodeCommittedBlock(encodeCommittedBlock(c), { trusted: true }), c)).toBe(true);
    }), { numRuns: 2_000 });
  });
});
