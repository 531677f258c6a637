import { LedgerError } from '../util/errors.js';

// Wire format of a channel stream: frames of <unsigned LEB128 length><payload>, the same
// framing as lpStream from @libp2p/utils, so either end may use that helper. We decode on the
// stream's 'message' events instead of lpStream.read(): that one awaits once per byte of the
// length prefix and its byte buffer aborts the stream past 4 MiB, which a 64 MiB frame needs.

/** Why a frame was refused. */
export type FrameErrorCode = 'P2P_FRAME_TOO_LARGE' | 'P2P_FRAME_MALFORMED';

/** A peer sent a frame we refuse; the caller drops the stream (and the peer's connection). */
export class FrameError extends LedgerError<FrameErrorCode> {}

/** Longest length prefix we accept: 5 bytes of LEB128 cover 2^35, far above any limit. */
const MAX_PREFIX_BYTES = 5;

/** The LEB128 length prefix of a frame carrying `length` bytes. */
export function encodeFramePrefix(length: number): Uint8Array {
  const out: number[] = [];
  let n = length;
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Uint8Array.from(out);
}

/** Size of the prefix encodeFramePrefix(length) returns. */
export function framePrefixLength(length: number): number {
  let bytes = 1;
  for (let n = length; n >= 0x80; n = Math.floor(n / 0x80)) bytes++;
  return bytes;
}

/** Writes the prefix of a `length`-byte frame into `out` at `offset`; returns the new offset. */
export function writeFramePrefix(out: Uint8Array, offset: number, length: number): number {
  let n = length;
  let i = offset;
  while (n >= 0x80) {
    out[i++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  out[i++] = n;
  return i;
}

/**
 * Incremental decoder of length-prefixed frames from arbitrarily split chunks. It checks the
 * announced length against the bound before allocating, and allocates the body once, so a
 * large frame costs one copy and a hostile length costs nothing.
 */
export class FrameDecoder {
  private length = 0;
  private prefixBytes = 0;
  private body: Uint8Array | null = null;
  private filled = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes buffered for an incomplete frame. */
  get pendingBytes(): number {
    return this.body === null ? this.prefixBytes : this.prefixBytes + this.filled;
  }

  /** Feeds one chunk; calls onFrame for each complete frame (a fresh copy); throws FrameError. */
  push(chunk: Uint8Array, onFrame: (frame: Uint8Array) => void): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.body === null) {
        const b = chunk[i++] as number;
        this.length += (b & 0x7f) * 2 ** (7 * this.prefixBytes);
        this.prefixBytes++;
        if ((b & 0x80) !== 0) {
          if (this.prefixBytes >= MAX_PREFIX_BYTES) {
            throw new FrameError('P2P_FRAME_MALFORMED', 'frame length prefix too long', { prefixBytes: this.prefixBytes });
          }
          continue;
        }
        const length = this.length;
        if (length > this.maxFrameBytes) {
          throw new FrameError('P2P_FRAME_TOO_LARGE', 'frame exceeds the channel limit', { length, max: this.maxFrameBytes });
        }
        this.length = 0;
        this.prefixBytes = 0;
        // PERF: the common case, a whole small frame inside one chunk, is one slice.
        if (chunk.length - i >= length) {
          onFrame(chunk.slice(i, i + length));
          i += length;
          continue;
        }
        this.body = new Uint8Array(length);
        this.filled = 0;
      }
      const body: Uint8Array = this.body;
      const take = Math.min(body.length - this.filled, chunk.length - i);
      body.set(chunk.subarray(i, i + take), this.filled);
      this.filled += take;
      i += take;
      if (this.filled === body.length) {
        this.body = null;
        this.filled = 0;
        onFrame(body);
      }
    }
  }
}
