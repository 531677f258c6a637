// A member in a child process, for real-process tests and the p2p bench:
//   node --import tsx test/helpers/p2p-peer.ts '<PeerProcessConfig JSON>'
// Only import types from this file: importing it runs a peer. It prints one line "READY" once listening, then serves the PEER_OPS protocol below until
// killed (SIGKILL in tests) or until stdin closes (so an orphan never outlives its parent).
import '../../src/p2p/polyfill.js';
import { Libp2pTransport, type Encrypter } from '../../src/p2p/libp2p-transport.js';
import type { Channel } from '../../src/types/edges.js';
import { fromHex } from '../../src/util/bytes.js';
import { PEER_OPS } from './p2p-peer-ops.js';

/** Command-line config of a peer process (hex keys: JSON has no bytes). */
export interface PeerProcessConfig {
  readonly self: number;
  readonly seedHex: string;
  readonly members: readonly { name: string; publicKeyHex: string; address: string }[];
  readonly encrypter?: Encrypter;
}


function hex(s: string): Uint8Array {
  const b = fromHex(s);
  if (b === null) throw new Error('bad hex in peer config');
  return b;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '') as PeerProcessConfig;
  const members = config.members.map((m) => ({ name: m.name, publicKey: hex(m.publicKeyHex), address: m.address }));
  const me = members[config.self];
  if (me === undefined) throw new Error('self is not in members');
  const transport = new Libp2pTransport({
    self: config.self,
    members,
    seed: hex(config.seedHex),
    listen: me.address,
    ...(config.encrypter === undefined ? {} : { encrypter: config.encrypter }),
  });
  const counts = new Map<number, number>();
  transport.onMessage((from, channel: Channel, bytes) => {
    if (bytes[0] === PEER_OPS.ECHO) {
      transport.send(from, channel, bytes);
    } else if (bytes[0] === PEER_OPS.BULK && bytes.length >= 13) {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const run = view.getUint32(1);
      const received = (counts.get(run) ?? 0) + 1;
      counts.set(run, received);
      if (view.getUint32(5) === view.getUint32(9) - 1) {
        const done = new Uint8Array(17);
        const d = new DataView(done.buffer);
        const cpu = process.cpuUsage();
        done[0] = PEER_OPS.BULK_DONE;
        d.setUint32(1, run);
        d.setUint32(5, received);
        d.setFloat64(9, cpu.user + cpu.system);
        transport.send(from, 'consensus', done);
      }
    }
  });
  await transport.start();
  process.stdin.resume();
  process.stdin.once('end', () => void transport.stop().then(() => process.exit(0)));
  process.stdout.write('READY\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`p2p-peer failed: ${String(err)}\n`);
  process.exit(1);
});
