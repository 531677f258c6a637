import type { Stream } from '@libp2p/interface';
import { FrameDecoder, FrameError } from './frame-decoder.js';

/** Read-buffer headroom above the largest frame, for the bytes of the next frame's prefix. */
const READ_BUFFER_SLACK_BYTES = 1024 * 1024;

/**
 * Reads length-prefixed frames from an inbound channel stream, synchronously on each
 * 'message' event (no await per frame), until the stream closes. A frame above maxFrameBytes,
 * or a malformed prefix, stops reading and calls onInvalid; the caller drops the peer.
 * The stream's own read buffer (used only while nobody listens) is sized to one frame plus
 * slack, so libp2p's 4 MiB default does not abort a legitimate 64 MiB batch.
 */
export function readFrames(
  stream: Stream,
  maxFrameBytes: number,
  onFrame: (frame: Uint8Array) => void,
  onInvalid: (err: FrameError) => void,
): void {
  stream.maxReadBufferLength = maxFrameBytes + READ_BUFFER_SLACK_BYTES;
  const decoder = new FrameDecoder(maxFrameBytes);
  let failed = false;
  stream.addEventListener('message', (evt) => {
    if (failed) return;
    try {
      const data = evt.data;
      if (data instanceof Uint8Array) decoder.push(data, onFrame);
      else for (const chunk of data) decoder.push(chunk, onFrame);
    } catch (err) {
      if (!(err instanceof FrameError)) throw err;
      failed = true;
      onInvalid(err);
    }
  });
}
