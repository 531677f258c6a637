import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Encrypter } from '../../src/p2p/libp2p-transport.js';
import { toHex } from '../../src/util/bytes.js';
import type { TestMember } from './p2p-cluster.js';
import type { PeerProcessConfig } from './p2p-peer.js';
import type { StrangerConfig, StrangerReport } from './p2p-stranger.js';

const PEER_SCRIPT = fileURLToPath(new URL('./p2p-peer.ts', import.meta.url));

/** A member running test/helpers/p2p-peer.ts in a child process. */
export interface PeerProcess {
  readonly child: ChildProcess;
  /** Resolves when the process has exited (by kill or by itself). */
  readonly exited: Promise<void>;
}

/** Spawns member `self` of `members` as a child process; resolves once it prints READY. */
export async function spawnPeer(members: readonly TestMember[], self: number, encrypter?: Encrypter): Promise<PeerProcess> {
  const me = members[self];
  if (me === undefined) throw new Error(`no member ${self}`);
  const config: PeerProcessConfig = {
    self,
    seedHex: toHex(me.seed),
    members: members.map((m) => ({ name: m.member.name, publicKeyHex: toHex(m.member.publicKey), address: m.member.address })),
    ...(encrypter === undefined ? {} : { encrypter }),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', PEER_SCRIPT, JSON.stringify(config)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit').then(() => undefined);
  const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
  const ready = new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line === 'READY') resolve();
    });
    void exited.then(() => reject(new Error(`peer ${self} exited before READY`)));
  });
  await ready;
  return { child, exited };
}

/** SIGKILLs the process (no cleanup runs in it) and awaits its exit. */
export async function killPeer(p: PeerProcess): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await p.exited;
}

const STRANGER_SCRIPT = fileURLToPath(new URL('./p2p-stranger.ts', import.meta.url));

/** Runs test/helpers/p2p-stranger.ts to completion and returns its report. */
export async function runStranger(config: StrangerConfig): Promise<StrangerReport> {
  const child = spawn(process.execPath, ['--import', 'tsx', STRANGER_SCRIPT, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => (out += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`stranger exited with ${String(code)}`);
  return JSON.parse(out.trim()) as StrangerReport;
}
