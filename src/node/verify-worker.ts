import { parentPort } from 'node:worker_threads';
import { verifySignature } from '../crypto/ed25519.js';

// One verification thread of VerifyPool (verify-pool.ts). It runs the very function the main
// thread would (crypto/ed25519.ts: the same policy, its own cached KeyObjects), so moving a
// check here cannot change its answer. Request: { id, buf } where buf holds items
// [u32 LE message length][32-byte key][64-byte signature][message]; reply: { id, ok } with
// one byte per item (1 = valid). Both buffers are transferred, not copied.

const port = parentPort;
if (port === null) throw new Error('verify-worker.ts runs only as a worker thread of VerifyPool');

port.on('message', (req: { id: number; buf: ArrayBuffer; count: number }) => {
  const bytes = new Uint8Array(req.buf);
  const view = new DataView(req.buf);
  const ok = new Uint8Array(req.count);
  let at = 0;
  for (let i = 0; i < req.count; i++) {
    const len = view.getUint32(at, true);
    const publicKey = bytes.subarray(at + 4, at + 36);
    const signature = bytes.subarray(at + 36, at + 100);
    const message = bytes.subarray(at + 100, at + 100 + len);
    ok[i] = verifySignature(publicKey, message, signature) ? 1 : 0;
    at += 100 + len;
  }
  port.postMessage({ id: req.id, ok }, [ok.buffer]);
});
