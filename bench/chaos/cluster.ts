// The members of a chaos run: one real `ledger start` process per network namespace, each with
// its data directory on a small tmpfs of its own (so a full disk is a fault we can cause), and
// the operations a nemesis needs: kill, pause, restart (optionally with a skewed clock).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MEMBER_NODE_FLAGS } from '../../src/node/devnet.js';
import type { NetnsNetwork } from './netns.js';

/** Debian's libfaketime (package faketime), thread-safe build: a member runs worker threads. */
export const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';

/** One member as the nemesis sees it. */
export interface ChaosMember {
  readonly index: number;
  readonly name: string;
  readonly api: string;
  readonly configFile: string;
  /** A tmpfs mount point; the member's data directory lives inside it. */
  readonly mount: string;
  readonly logFile: string;
  proc: ChildProcess | null;
  /** Clock offset the running process sees, in seconds (faketime), 0 = none. */
  skewS: number;
  /** Exit codes and signals of processes that ended, in order. */
  readonly exits: { code: number | null; signal: string | null; atMs: number }[];
}

export interface ClusterOptions {
  readonly net: NetnsNetwork;
  readonly cliScript: string;
  readonly workDir: string;
  readonly members: readonly { name: string; configFile: string; dataDir: string }[];
  readonly apiPort: number;
  readonly tmpfsMb: number;
  readonly env: NodeJS.ProcessEnv;
  readonly t0: number;
}

export class ChaosCluster {
  readonly members: ChaosMember[];
  private mounted: string[] = [];

  constructor(private readonly opts: ClusterOptions) {
    this.members = opts.members.map((m, i) => ({
      index: i, name: m.name, api: `http://${opts.net.hosts[i]?.address}:${opts.apiPort}`, configFile: m.configFile,
      mount: m.dataDir, logFile: join(opts.workDir, `${m.name}.log`), proc: null, skewS: 0, exits: [],
    }));
  }

  /** Mounts one tmpfs per member at its data directory. */
  async mountData(): Promise<void> {
    for (const m of this.members) {
      await mkdir(m.mount, { recursive: true });
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${this.opts.tmpfsMb}m`, 'tmpfs', m.mount]);
      this.mounted.push(m.mount);
    }
  }

  start(i: number, skewS = 0): void {
    const m = this.member(i);
    if (m.proc !== null) throw new Error(`${m.name} is already running`);
    // libfaketime preloaded through env(1), not the faketime wrapper: the wrapper forks, and
    // SIGKILL / SIGSTOP must reach the member process itself.
    const faketime = skewS === 0 ? [] : ['env', `LD_PRELOAD=${FAKETIME_LIB}`, `FAKETIME=${skewS >= 0 ? '+' : ''}${skewS}s`];
    const argv = [...this.opts.net.exec(i), ...faketime, process.execPath, ...MEMBER_NODE_FLAGS, this.opts.cliScript, 'start', '--config', m.configFile];
    const out = createWriteStream(m.logFile, { flags: 'a' });
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...this.opts.env } });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    m.proc = child;
    m.skewS = skewS;
    child.once('exit', (code, signal) => {
      m.exits.push({ code, signal, atMs: Date.now() - this.opts.t0 });
      if (m.proc === child) m.proc = null;
    });
  }

  /** Signals the member and resolves when its process has exited. */
  async kill(i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const p = this.member(i).proc;
    if (p === null) return;
    const exited = new Promise<void>((res) => p.once('exit', () => res()));
    if (p.exitCode === null && p.signalCode === null) p.kill(signal);
    else return;
    await exited;
  }

  pause(i: number): void {
    this.member(i).proc?.kill('SIGSTOP');
  }

  resume(i: number): void {
    this.member(i).proc?.kill('SIGCONT');
  }

  running(i: number): boolean {
    return this.member(i).proc !== null;
  }

  /** Resolves when the member's process exits, or with false after timeoutMs. */
  async waitExit(i: number, timeoutMs: number): Promise<boolean> {
    const p = this.member(i).proc;
    if (p === null) return true;
    return new Promise<boolean>((res) => {
      const t = setTimeout(() => res(false), timeoutMs);
      p.once('exit', () => {
        clearTimeout(t);
        res(true);
      });
    });
  }

  /** Resident set size of the member process in MiB, or null when it is not running. */
  async rssMb(i: number): Promise<number | null> {
    const pid = this.member(i).proc?.pid;
    if (pid === undefined) return null;
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb === undefined ? null : Number(kb) / 1024;
  }

  /** Fills the member's tmpfs but for a few KiB. */
  fillDisk(i: number): void {
    const m = this.member(i);
    execFileSync('sh', ['-c', `dd if=/dev/zero of=${join(m.mount, 'ballast')} bs=1M status=none || true`]);
  }

  freeDisk(i: number): void {
    execFileSync('rm', ['-f', join(this.member(i).mount, 'ballast')]);
  }

  /** SIGKILLs whatever still runs and unmounts every tmpfs; safe to call twice. */
  async teardown(): Promise<void> {
    await Promise.all(this.members.map((_, i) => {
      this.resume(i);
      return this.kill(i);
    }));
    for (const mnt of this.mounted.splice(0)) {
      try {
        execFileSync('umount', ['-l', mnt]);
      } catch {
        // Already gone.
      }
    }
  }

  member(i: number): ChaosMember {
    const m = this.members[i];
    if (m === undefined) throw new Error(`no member ${i}`);
    return m;
  }
}
