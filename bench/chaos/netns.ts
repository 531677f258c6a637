// Separate hosts on one machine: every member (and the load process) gets its own network
// namespace with one veth link to a private Linux bridge, so members dial each other by real
// addresses exactly as on separate machines. A fault on the network is a link state change:
// isolating a member takes its bridge port down; a split moves one group's ports to a second
// bridge. Needs root (`ip netns`); tc netem is not used (this kernel lacks it).
import { execFileSync } from 'node:child_process';

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function ipQuiet(...args: string[]): void {
  try {
    ip(...args);
  } catch {
    // Teardown of something already gone.
  }
}

/** Names of the namespaces, links and bridges of one run; the tag keeps parallel runs apart. */
export interface HostNames {
  readonly ns: string;
  /** The host side of the veth pair, a port of the bridge. */
  readonly port: string;
  readonly address: string;
}

/** A private network of `count` hosts (10.<subnet>.0.10 + i) plus the root namespace at .1. */
export class NetnsNetwork {
  readonly hosts: readonly HostNames[];
  readonly bridge: string;
  readonly splitBridge: string;
  readonly gateway: string;
  private created = false;

  constructor(readonly tag: string, count: number, readonly subnet: number) {
    if (!/^[a-z0-9]{1,6}$/.test(tag)) throw new Error(`netns tag "${tag}": 1-6 lower-case letters or digits`);
    this.bridge = `lb${tag}`;
    this.splitBridge = `lb${tag}s`;
    this.gateway = `10.${subnet}.0.1`;
    this.hosts = Array.from({ length: count }, (_, i) => ({ ns: `lg${tag}-${i}`, port: `lv${tag}-${i}`, address: `10.${subnet}.0.${10 + i}` }));
  }

  /** Creates the bridges and every host; on any failure, removes what was made and rethrows. */
  up(): void {
    this.created = true;
    try {
      for (const b of [this.bridge, this.splitBridge]) {
        ip('link', 'add', b, 'type', 'bridge');
        ip('link', 'set', b, 'up');
      }
      ip('addr', 'add', `${this.gateway}/16`, 'dev', this.bridge);
      for (const h of this.hosts) {
        ip('netns', 'add', h.ns);
        ip('link', 'add', h.port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.ns);
        ip('link', 'set', h.port, 'master', this.bridge, 'up');
        ip('-n', h.ns, 'addr', 'add', `${h.address}/16`, 'dev', 'eth0');
        ip('-n', h.ns, 'link', 'set', 'eth0', 'up');
        ip('-n', h.ns, 'link', 'set', 'lo', 'up');
        ip('-n', h.ns, 'route', 'add', 'default', 'via', this.gateway);
      }
    } catch (e) {
      this.down();
      throw e;
    }
  }

  /** The argv prefix that runs a command inside host i's namespace. */
  exec(i: number): string[] {
    return ['ip', 'netns', 'exec', this.host(i).ns];
  }

  /** Cuts host i off from every other host (its bridge port goes down). */
  isolate(i: number): void {
    ip('link', 'set', this.host(i).port, 'down');
  }

  /** Undoes isolate(i). */
  reconnect(i: number): void {
    ip('link', 'set', this.host(i).port, 'up');
  }

  /** Moves `group`'s ports to the second bridge: the two sides cannot reach each other. */
  split(group: readonly number[]): void {
    for (const i of group) ip('link', 'set', this.host(i).port, 'master', this.splitBridge);
  }

  /** Puts every port back on the main bridge and up. */
  heal(): void {
    for (const h of this.hosts) {
      ip('link', 'set', h.port, 'master', this.bridge);
      ip('link', 'set', h.port, 'up');
    }
  }

  /** Removes every namespace, link and bridge of this run; safe to call twice. */
  down(): void {
    if (!this.created) return;
    for (const h of this.hosts) {
      // Deleting a namespace destroys its end of the veth pair, and with it the host end.
      ipQuiet('netns', 'del', h.ns);
      ipQuiet('link', 'del', h.port);
    }
    ipQuiet('link', 'del', this.bridge);
    ipQuiet('link', 'del', this.splitBridge);
    this.created = false;
  }

  /** Leftovers of this run's names (namespaces or links): empty after down(). */
  leftovers(): string[] {
    const ns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
    const mine = [...this.hosts.map((h) => h.ns), ...this.hosts.map((h) => h.port), this.bridge, this.splitBridge];
    return mine.filter((n) => new RegExp(`(^|[\\s:@])${n}([\\s:@]|$)`, 'm').test(ns + '\n' + links));
  }

  private host(i: number): HostNames {
    const h = this.hosts[i];
    if (h === undefined) throw new Error(`no host ${i}`);
    return h;
  }
}
