import { expect } from 'vitest';
import { encodeTxEnvelope } from '../../src/codec/tx.js';
import { signingKeyFromSeed, type SigningKey } from '../../src/crypto/ed25519.js';
import { sha256 } from '../../src/crypto/hash.js';
import type { StateTree } from '../../src/crypto/smt.js';
import { txHash } from '../../src/crypto/tx.js';
import { signTx } from '../../src/crypto/tx.js';
import { accountKey } from '../../src/state/contracts/accounts/keys.js';
import { encodeAccount } from '../../src/state/contracts/accounts/types.js';
import { decodeContractEvent, encodeContractEvent, historySubject } from '../../src/state/events.js';
import { executeBlock, type ExecutedBlock, type ExecuteBlockResult } from '../../src/state/executor.js';
import { buildGenesisState } from '../../src/state/genesis-state.js';
import { getAccount, getAsset, getInvoice, type AccountView, type AssetView, type InvoiceView } from '../../src/state/queries.js';
import type { ContractEvent, EventSubject } from '../../src/state/types.js';
import type { Genesis } from '../../src/types/genesis.js';
import type { Payload, Role } from '../../src/types/primitives.js';
import type { TxReceipt } from '../../src/types/tx.js';
import { toHex, utf8 } from '../../src/util/bytes.js';

// Key derivation (createPrivateKey) and genesis building dominate a small test's run time, and
// property tests build thousands of ledgers: both are pure functions of their inputs, cached.
const KEYS = new Map<string, SigningKey>();
const GENESIS = new Map<string, { genesis: Genesis; state: StateTree }>();

function keyOf(name: string): SigningKey {
  let k = KEYS.get(name);
  if (k === undefined) {
    k = signingKeyFromSeed(sha256(utf8(`test-ledger/${name}`)));
    KEYS.set(name, k);
  }
  return k;
}

/** Options of testLedger. */
export interface TestLedgerOpts {
  /** Non-member accounts by name, e.g. {supplier: 'integrator', regulator: 'regulator'}. */
  readonly accounts?: Readonly<Record<string, Exclude<Role, 'member'>>>;
  /** Number of genesis members, named member0, member1, ... (default 1). */
  readonly members?: number;
}

/** A transaction to submit: who signs it, its type and payload. */
export interface TestTx {
  readonly as: string;
  readonly type: string;
  readonly payload: Payload;
}

/** The receipt of a one-transaction block plus the block's full result. */
export type TestReceipt = TxReceipt & { readonly block: ExecutedBlock };

/**
 * A ledger for contract tests (docs/conventions.md, Testing: Contracts): real executor, real state
 * tree, real signatures. Every submit() is a one-transaction block; hashes the fixture signed
 * count as verified, exactly like the mempool's cache. Keys are derived from account names.
 */
export class TestLedger {
  readonly chainId = 'test-chain';
  readonly genesis: Genesis;
  state: StateTree;
  height = 0;
  /** Every event so far, in order. */
  readonly events: ContractEvent[] = [];
  /** Secondary indexes, as the node would store them (joined key parts → value). */
  readonly index = new Map<string, Uint8Array>();
  /** History, as the node would store it: historySubject → encoded events, in order. */
  readonly history = new Map<string, Uint8Array[]>();
  readonly #keys = new Map<string, SigningKey>();
  readonly #verified = new Set<string>();

  constructor(opts: TestLedgerOpts) {
    const cacheKey = JSON.stringify([opts.members ?? 1, opts.accounts ?? {}]);
    let g = GENESIS.get(cacheKey);
    if (g === undefined) {
      const members = Array.from({ length: opts.members ?? 1 }, (_, i) => `member${i}`);
      const genesis: Genesis = {
        chainId: this.chainId, genesisTimeMs: 0,
        consensus: { viewTimeoutMs: 1000, maxViewTimeoutMs: 10_000, maxBlockTxs: 1000, maxBlockBytes: 1 << 20, heartbeatMinutes: 0 },
        members: members.map((name, i) => ({ name, publicKey: keyOf(name).publicKey, address: `/ip4/127.0.0.1/tcp/${9000 + i}` })),
        accounts: Object.entries(opts.accounts ?? {}).map(([name, role]) => ({ name, publicKey: keyOf(name).publicKey, role })),
      };
      g = { genesis, state: buildGenesisState(genesis).state };
      GENESIS.set(cacheKey, g);
    }
    this.genesis = g.genesis;
    this.state = g.state;
  }

  /** The signing key of a name (created on first use; need not be registered). */
  key(name: string): SigningKey {
    return this.#keys.get(name) ?? keyOf(name);
  }

  /** Binds `name` to an explicit key (e.g. after account.rotate). */
  setKey(name: string, key: SigningKey): void {
    this.#keys.set(name, key);
  }

  /** The account id of a name: hex of the key it was created with. */
  id(name: string): string {
    return toHex(this.key(name).publicKey);
  }

  /** The account view of a name's current key or of an id. */
  account(nameOrId: string): AccountView | null {
    return getAccount(this.state, /^[0-9a-f]{64}$/.test(nameOrId) ? nameOrId : toHex(this.key(nameOrId).publicKey));
  }

  invoice(id: string): InvoiceView | null {
    return getInvoice(this.state, id);
  }

  asset(id: string): AssetView | null {
    return getAsset(this.state, id);
  }

  /** Signs a transaction; the nonce defaults to the signer's next nonce in state. */
  sign(tx: TestTx, nonce?: number): Uint8Array {
    const key = this.key(tx.as);
    const n = nonce ?? getAccount(this.state, toHex(key.publicKey))?.nextNonce ?? 0;
    const env = signTx(key, { chainId: this.chainId, type: tx.type, nonce: n, payload: tx.payload });
    this.#verified.add(toHex(txHash(env)));
    return encodeTxEnvelope(env);
  }

  /** Executes a block of envelopes; applies it when valid. */
  block(txs: readonly Uint8Array[], opts: { verifyAll?: boolean } = {}): ExecuteBlockResult {
    const r = executeBlock({
      state: this.state, height: this.height + 1, blockTimeMs: 1_700_000_000_000 + this.height, chainId: this.chainId, txs,
      isVerified: opts.verifyAll === true ? () => false : (h) => this.#verified.has(toHex(h)),
    });
    if (r.valid) this.#apply(r);
    return r;
  }

  /** Signs and executes one transaction in its own block. */
  submit(tx: TestTx): TestReceipt {
    const r = this.block([this.sign(tx)]);
    if (!r.valid) throw new Error(`block invalid: ${r.reason.code} ${r.reason.message}`);
    return { ...(r.receipts[0] as TxReceipt), block: r };
  }

  /** Submits and asserts success. */
  ok(tx: TestTx): TestReceipt {
    const r = this.submit(tx);
    expect(r.code, `${tx.type} by ${tx.as} should succeed`).toBeNull();
    return r;
  }

  /** The stored history of one object, decoded. */
  historyOf(subject: EventSubject, id: string): ContractEvent[] {
    return (this.history.get(historySubject(subject, id)) ?? []).map(decodeContractEvent);
  }

  /** Ids in an index scan, e.g. indexScan(['invoice-holder', holderId]). */
  indexScan(prefix: readonly string[]): string[] {
    const p = prefix.join('\u0000') + '\u0000';
    return [...this.index.keys()].filter((k) => k.startsWith(p)).map((k) => k.slice(p.length)).sort();
  }

  #apply(r: ExecutedBlock): void {
    this.state = r.state;
    this.height++;
    for (const e of r.events) {
      this.events.push(e);
      const s = historySubject(e.subject, e.id);
      const list = this.history.get(s) ?? [];
      list.push(encodeContractEvent(e));
      this.history.set(s, list);
    }
    for (const [k, v] of r.indexWrites) {
      const key = k.join('\u0000');
      if (v === null) this.index.delete(key);
      else this.index.set(key, v);
    }
  }
}

/** A fresh test ledger. */
export function testLedger(opts: TestLedgerOpts = {}): TestLedger {
  return new TestLedger(opts);
}

/** The state root after applying only `name`'s nonce bump to the current state. */
export function rootWithNonceBump(l: TestLedger, name: string): Uint8Array {
  const a = l.account(name);
  if (a === null) throw new Error(`${name} is not an account`);
  return l.state.update([[utf8(accountKey(a.id)), encodeAccount({ ...a, nextNonce: a.nextNonce + 1 })]]).root;
}

/**
 * FRAME's assert_noop!: submits `tx`, asserts the receipt carries `code`, and asserts that the
 * state root equals the root of applying ONLY the signer's nonce bump (a rejected transaction
 * still uses its nonce, so it can never be replayed), with no events and no index writes.
 */
export function expectNoop(l: TestLedger, tx: TestTx, code: string): TestReceipt {
  const expected = rootWithNonceBump(l, tx.as);
  const r = l.submit(tx);
  expect(r.ok, `${tx.type} by ${tx.as} should be rejected with ${code}`).toBe(false);
  expect(r.code).toBe(code);
  expect(toHex(l.state.root), 'state root must change only by the nonce bump').toBe(toHex(expected));
  expect(r.block.events).toEqual([]);
  expect(r.block.indexWrites).toEqual([]);
  return r;
}
