import { spawn } from 'node:child_process';
import {
  buildTx, LedgerClient, LedgerClientError, loadKeyFile, txHashHex, type SigningKey, type TxAnswer, type TxPayloads, type TxType,
} from '../../src/client/index.js';
import { toHex } from '../../src/util/bytes.js';
import { CLI, type Testnet } from './testnet.js';

/** A party of the story: its key, its account id (public key hex) and the key file the CLI reads. */
export interface Actor {
  readonly name: string;
  readonly key: SigningKey;
  readonly id: string;
  readonly keyFile: string;
}

/** Loads a genesis account (supplier, buyer, …) or a member (member1, …) of `net` as an Actor. */
export async function loadActor(net: Testnet, name: string): Promise<Actor> {
  const keyFile = net.init.accounts.find((a) => a.name === name)?.keyFile ?? net.init.members.find((m) => m.name === name)?.keyFile;
  if (keyFile === undefined) throw new Error(`no account or member named ${name}`);
  const key = await loadKeyFile(keyFile);
  return { name, key, id: toHex(key.publicKey), keyFile };
}

/** A refusal at admission: the HTTP status and the error envelope's code. */
export interface Refusal {
  readonly status: number;
  readonly code: string;
  readonly hash: string;
}

/**
 * Signs and submits the story's transactions through the client SDK against one node. Every
 * hash it sends is remembered (with the outcome it expects) for the proof checks at the end.
 */
export class StoryDriver {
  readonly client: LedgerClient;
  readonly chainId: string;
  /** Hash → expected status of every transaction that reached a block. */
  readonly sent = new Map<string, 'committed' | 'rejected'>();

  constructor(client: LedgerClient, chainId: string) {
    this.client = client;
    this.chainId = chainId;
  }

  /** Signs with the account's next nonce (as the node reports it), submits and waits for the block. */
  async send<T extends TxType>(who: Actor, type: T, payload: TxPayloads[T]): Promise<TxAnswer> {
    const nonce = await this.client.nextNonce(who.id);
    const tx = buildTx(who.key, this.chainId, type, payload, nonce);
    const { hash } = await this.client.submit(tx);
    const a = await this.client.waitForTx(hash, { timeoutMs: 60_000 });
    if (a.status === 'committed' || a.status === 'rejected') this.sent.set(hash, a.status);
    return a;
  }

  /** Like send, for a transaction the pool must refuse: resolves to the refusal, throws if admitted. */
  async refuse<T extends TxType>(who: Actor, type: T, payload: TxPayloads[T], nonce?: number): Promise<Refusal> {
    const n = nonce ?? (await this.client.nextNonce(who.id));
    const tx = buildTx(who.key, this.chainId, type, payload, n);
    try {
      await this.client.submit(tx);
    } catch (e) {
      if (e instanceof LedgerClientError) return { status: e.status, code: e.code, hash: txHashHex(tx) };
      throw e;
    }
    throw new Error(`${who.name}'s ${type} was admitted; expected a refusal`);
  }
}

/** Outcome of a `ledger` child process. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The last stdout line parsed as JSON (null when it is not JSON). */
  readonly json: Record<string, unknown> | null;
}

/** Runs the built `ledger` CLI with `args` as a child process and collects its output. */
export function runCli(args: readonly string[], timeoutMs = 90_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.once('error', reject);
    p.once('close', (code) => {
      clearTimeout(t);
      const last = stdout.trimEnd().split('\n').pop() ?? '';
      let json: Record<string, unknown> | null = null;
      try {
        const v: unknown = JSON.parse(last);
        if (typeof v === 'object' && v !== null && !Array.isArray(v)) json = v as Record<string, unknown>;
      } catch {
        // Not a JSON line: the caller asserts on json === null or on the text.
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}
