import { createServer } from 'node:net';
import { signingKeyFromSeed } from '../../src/crypto/ed25519.js';
import { sha256 } from '../../src/crypto/hash.js';
import { Libp2pTransport, type Libp2pTransportOpts } from '../../src/p2p/libp2p-transport.js';
import type { Member } from '../../src/types/genesis.js';
import { utf8 } from '../../src/util/bytes.js';
import type { TransportCluster } from '../compliance/transport.suite.js';

/** A test member: its seed and its genesis entry. */
export interface TestMember {
  readonly seed: Uint8Array;
  readonly member: Member;
}

/** Deterministic seed number `i` of a test run tagged `tag` (different tags, different keys). */
export function testSeed(tag: string, i: number): Uint8Array {
  return sha256(utf8(`p2p-test/${tag}/${i}`));
}

/** Ports the OS reports free right now (bound on 127.0.0.1, then released). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<import('node:net').Server>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => {
    const a = s.address();
    if (a === null || typeof a === 'string') throw new Error('no port');
    return a.port;
  });
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

/** n members on free 127.0.0.1 ports, with deterministic keys. */
export async function testMembers(tag: string, n: number): Promise<TestMember[]> {
  const ports = await freePorts(n);
  return ports.map((port, i) => {
    const seed = testSeed(tag, i);
    return { seed, member: { name: `node${i}`, publicKey: signingKeyFromSeed(seed).publicKey, address: `/ip4/127.0.0.1/tcp/${port}` } };
  });
}

/** Options of one cluster transport, beyond identity. */
export type ClusterTransportOpts = Omit<Libp2pTransportOpts, 'self' | 'members' | 'seed' | 'listen'>;

/** Starts member i of `members` as a Libp2pTransport listening on its genesis address. */
export async function startMember(members: readonly TestMember[], i: number, extra: ClusterTransportOpts = {}): Promise<Libp2pTransport> {
  const me = members[i];
  if (me === undefined) throw new Error(`no member ${i}`);
  const t = new Libp2pTransport({ ...extra, self: i, members: members.map((m) => m.member), seed: me.seed, listen: me.member.address });
  await t.start();
  return t;
}

let clusterCount = 0;

/** A started Libp2pTransport cluster for the compliance suite. */
export async function makeLibp2pCluster(n: number, extra: ClusterTransportOpts = {}): Promise<TransportCluster<Libp2pTransport>> {
  const members = await testMembers(`cluster-${process.pid}-${clusterCount++}`, n);
  const transports = await Promise.all(members.map((_, i) => startMember(members, i, extra)));
  return {
    transports,
    async restart(i) {
      await transports[i]?.stop();
      const t = await startMember(members, i, extra);
      transports[i] = t;
      return t;
    },
    async stop() {
      await Promise.all(transports.map((t) => t.stop()));
    },
  };
}
