import { describe, expect, it } from 'vitest';
import {
  decodeConsensusMessage, decodeSafetyState, encodeConsensusMessage, encodeSafetyState, type ConsensusWireMessage,
} from '../../../src/codec/consensus.js';
import { qcTuple } from '../../../src/codec/block.js';
import { DecodeError } from '../../../src/codec/errors.js';
import { pack } from '../../../src/codec/msgpack.js';
import { bytesEqual } from '../../../src/util/bytes.js';
import { chain, proposalOf, tcFor, timeoutBy, voteBy } from './fixture.js';

describe('consensus codec', () => {
  const { blocks, qcs } = chain(2);
  const messages: ConsensusWireMessage[] = [
    proposalOf(blocks[1]!, tcFor(1)),
    voteBy(2, blocks[0]!),
    timeoutBy(1, 3, qcs[1]!, tcFor(2, [0, 1, 3], [1, 1, 0], qcs[0]!)),
    { type: 'syncInfo', highQc: qcs[0]!, highTc: null },
    { type: 'blockRequest', hash: blocks[1]!.hash, count: 64 },
    { type: 'blockResponse', blocks: [blocks[1]!.block, blocks[0]!.block] },
  ];

  it('round-trips every wire message byte for byte', () => {
    // docs/protocol.md R2: everything signed is a positional array in a fixed order
    for (const m of messages) {
      const bytes = encodeConsensusMessage(m);
      const back = decodeConsensusMessage(bytes);
      expect(back).toEqual(m);
      expect(bytesEqual(encodeConsensusMessage(back), bytes)).toBe(true);
    }
  });

  it('rejects trailing bytes, unknown tags and oversized requests with DecodeError', () => {
    // docs/protocol.md R22: undecodable peer input is refused with a typed error
    const bytes = encodeConsensusMessage(messages[1]!);
    const trailing = new Uint8Array([...bytes, 0]);
    expect(() => decodeConsensusMessage(trailing)).toThrow(DecodeError);
    expect(() => decodeConsensusMessage(new Uint8Array([0x91, 0x09]))).toThrow(DecodeError);
    const big = encodeConsensusMessage({ type: 'blockRequest', hash: blocks[0]!.hash, count: 65 });
    expect(() => decodeConsensusMessage(big)).toThrow(DecodeError);
    expect(() => decodeConsensusMessage(new Uint8Array())).toThrow(DecodeError);
  });

  it('round-trips the safety state and refuses a foreign version', () => {
    // docs/protocol.md R9: the persisted safety state is exactly what a restarted node loads
    const s = { epoch: 0, lastVotedView: 7, lockedView: 5, highQc: qcs[1]!, highTc: tcFor(6), votedBlocks: [blocks[0]!.block, blocks[1]!.block] };
    expect(decodeSafetyState(encodeSafetyState(s))).toEqual(s);
    const empty = { epoch: 2, lastVotedView: 0, lockedView: 0, highQc: null, highTc: null, votedBlocks: [] };
    expect(decodeSafetyState(encodeSafetyState(empty))).toEqual(empty);
    const bytes = encodeSafetyState(empty);
    const foreign = new Uint8Array(bytes);
    foreign[1] = 3;
    expect(() => decodeSafetyState(foreign)).toThrow(DecodeError);
  });

  it('reads a version-1 safety state, keeping its numbers and dropping its TC (TCs carry their QC since version 2)', () => {
    // docs/protocol.md R9 and R11: an upgraded node keeps lastVotedView and lockedView
    const oldTc = tcFor(6);
    const v1 = pack([1, 0, 7, 5, qcTuple(qcs[1]!), [oldTc.epoch, oldTc.view, oldTc.signatures.map((x) => [x.member, x.highQcView, x.signature])], []]);
    expect(decodeSafetyState(v1)).toEqual({ epoch: 0, lastVotedView: 7, lockedView: 5, highQc: qcs[1]!, highTc: null, votedBlocks: [] });
  });
});
