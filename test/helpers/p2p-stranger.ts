// A stranger in a child process: a valid libp2p identity (random key) that is not a member.
//   node --import tsx test/helpers/p2p-stranger.ts '<StrangerConfig JSON>'
// It makes `attempts` fresh connections to `target`, tries to open a channel stream on each and
// write a frame to it, and prints one JSON line (StrangerReport) on stdout. Import types only.
import '../../src/p2p/polyfill.js';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { noise } from '@libp2p/noise';
import { tcp } from '@libp2p/tcp';
import { tls } from '@libp2p/tls';
import { yamux } from '@libp2p/yamux';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import { encodeFramePrefix } from '../../src/p2p/frame-decoder.js';

/** What the stranger is told to do. */
export interface StrangerConfig {
  /** Member multiaddr including /p2p/<PeerId>. */
  readonly target: string;
  readonly protocol: string;
  readonly attempts: number;
  readonly encrypter: 'tls' | 'noise';
}

/** What happened, counted over all attempts. */
export interface StrangerReport {
  readonly attempts: number;
  /** dial() resolved (the handshake completed before the member cut the connection). */
  readonly dialsResolved: number;
  /** newStream() resolved with a negotiated stream. */
  readonly streamsOpened: number;
  /** newStream() or the write on it failed. */
  readonly streamsFailed: number;
  /** Frames handed to an open stream without error (they must still never be delivered). */
  readonly framesWritten: number;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '') as StrangerConfig;
  const node = await createLibp2p({
    privateKey: await generateKeyPair('Ed25519'),
    transports: [tcp()],
    connectionEncrypters: [config.encrypter === 'tls' ? tls() : noise()],
    streamMuxers: [yamux()],
    connectionManager: { dialTimeout: 5000 },
  });
  const target = multiaddr(config.target);
  let dialsResolved = 0;
  let streamsOpened = 0;
  let streamsFailed = 0;
  let framesWritten = 0;
  const frame = Uint8Array.from([...encodeFramePrefix(5), 104, 101, 108, 108, 111]);
  for (let i = 0; i < config.attempts; i++) {
    try {
      const conn = await node.dial(target);
      dialsResolved++;
      try {
        const stream = await conn.newStream(config.protocol);
        streamsOpened++;
        stream.send(frame);
        await stream.close();
        framesWritten++;
      } catch {
        streamsFailed++;
      }
    } catch {
      streamsFailed++;
    }
    // A fresh connection per attempt, so each one goes through the gater again.
    await node.hangUp(target).catch(() => undefined);
  }
  await node.stop();
  const report: StrangerReport = { attempts: config.attempts, dialsResolved, streamsOpened, streamsFailed, framesWritten };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`p2p-stranger failed: ${String(err)}\n`);
  process.exit(1);
});
