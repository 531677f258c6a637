import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFramePrefix, FrameDecoder, FrameError, framePrefixLength, writeFramePrefix } from '../../../src/p2p/frame-decoder.js';
import { concatBytes } from '../../../src/util/bytes.js';

function frame(m: Uint8Array): Uint8Array {
  return concatBytes(encodeFramePrefix(m.length), m);
}

/** Splits `bytes` at the given cut points (sorted, deduplicated, in range). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  return out;
}

describe('frame prefix', () => {
  it('is unsigned LEB128, the varint lpStream uses', () => {
    expect([...encodeFramePrefix(0)]).toEqual([0]);
    expect([...encodeFramePrefix(127)]).toEqual([0x7f]);
    expect([...encodeFramePrefix(300)]).toEqual([0xac, 0x02]);
    expect([...encodeFramePrefix(64 * 1024 * 1024)]).toEqual([0x80, 0x80, 0x80, 0x20]);
  });

  it('framePrefixLength and writeFramePrefix agree with encodeFramePrefix', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 34 }), (n) => {
      const p = encodeFramePrefix(n);
      const out = new Uint8Array(8);
      expect(framePrefixLength(n)).toBe(p.length);
      expect(writeFramePrefix(out, 1, n)).toBe(1 + p.length);
      expect([...out.subarray(1, 1 + p.length)]).toEqual([...p]);
    }));
  });
});

describe('FrameDecoder', () => {
  it('decodes any sequence of frames however the bytes are split', () => {
    fc.assert(fc.property(
      fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
      fc.array(fc.nat(), { maxLength: 30 }),
      (messages, cuts) => {
        const wire = concatBytes(...messages.map(frame));
        const got: Uint8Array[] = [];
        const d = new FrameDecoder(1000);
        for (const chunk of split(wire, cuts)) d.push(chunk, (f) => got.push(f));
        expect(got.map((g) => [...g])).toEqual(messages.map((m) => [...m]));
        expect(d.pendingBytes).toBe(0);
      },
    ));
  });

  it('hands out copies, not views of the chunk', () => {
    const wire = frame(Uint8Array.from([1, 2, 3]));
    let out: Uint8Array | undefined;
    new FrameDecoder(10).push(wire, (f) => (out = f));
    wire.fill(9);
    expect([...(out ?? [])]).toEqual([1, 2, 3]);
  });

  it('refuses a frame above the limit as soon as its prefix is read, before any body', () => {
    const d = new FrameDecoder(100);
    const err = (() => {
      try {
        d.push(encodeFramePrefix(101), () => undefined);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(FrameError);
    expect((err as FrameError).code).toBe('P2P_FRAME_TOO_LARGE');
  });

  it('accepts a frame of exactly the limit', () => {
    const got: Uint8Array[] = [];
    new FrameDecoder(100).push(frame(new Uint8Array(100)), (f) => got.push(f));
    expect(got[0]?.length).toBe(100);
  });

  it('refuses an endless length prefix', () => {
    const d = new FrameDecoder(2 ** 40);
    expect(() => d.push(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), () => undefined)).toThrow(
      expect.objectContaining({ code: 'P2P_FRAME_MALFORMED' }),
    );
  });
});
