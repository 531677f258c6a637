import { Agent, request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERROR_CODES } from '../../src/api/errors.js';
import { generateSigningKey, LedgerClient, verifyStateAnswer, type TxBodyJson } from '../../src/client/index.js';
import { stateKeyBytes } from '../../src/state/view.js';
import { loadActor, StoryDriver, type Actor } from '../helpers/story-actors.js';
import { hostileRequest, type HostileContext, type HostileRequest, type HostileSigner } from '../helpers/story-hostile.js';
import { Testnet } from '../helpers/testnet.js';

// Property: against ONE member of a real four-member consortium, no request however malformed
// or hostile gets a 5xx, each precisely broken transaction is refused with its code, nothing
// is admitted, the node stays healthy and keeps committing, and the state root of the head is
// exactly the one before the flood (empty blocks keep the root).

const RUNS = 1000;
const PER_RUN = 20;
const MAX_NONCE_GAP = 10_000; // src/node/node.ts mempool option

describe('hostile requests against a live member', () => {
  let net: Testnet;
  let client: LedgerClient;
  let ctx: HostileContext;
  let rootBefore: string;
  let heightBefore: number;
  const actors: Record<string, Actor> = {};
  const nonces: Record<string, number> = {};
  // node:http with a keep-alive pool: it sends bodies with any method and costs little per request.
  const agent = new Agent({ keepAlive: true, maxSockets: PER_RUN });
  const tally = new Map<string, number>();
  let sent = 0;

  beforeAll(async () => {
    net = await Testnet.create({ nodes: 4 });
    net.startAll();
    for (const n of ['supplier', 'buyer', 'auditor', 'regulator']) actors[n] = await loadActor(net, n);
    const act = (n: string): Actor => actors[n] as Actor;
    client = await net.client(0);
    await net.waitReady([0]);
    const story = new StoryDriver(client, net.init.genesis.chainId);
    const committed: TxBodyJson[] = [];
    const run = async (a: Promise<{ hash: string; status: string; height?: number }>): Promise<number> => {
      const r = await a;
      expect(r.status).toBe('committed');
      const tx = (await client.getTx(r.hash)).tx;
      if (tx === undefined) throw new Error(`no body for ${r.hash}`);
      const { hash: _hash, ...body } = tx;
      committed.push(body);
      return r.height as number;
    };
    await run(story.send(act('supplier'), 'invoice.issue', {
      id: 'INV-H1', buyer: act('buyer').id, amount: '500000', currency: 'USD', dueDate: '2027-12-31', fingerprint: 'us-ein:12-345:0001',
    }));
    await run(story.send(act('buyer'), 'invoice.accept', { id: 'INV-H1' }));
    const last = await run(story.send(act('supplier'), 'asset.register', { id: 'A-H1', kind: 'bill-of-lading', fingerprint: 'sha256:77aa', metadata: { vessel: 'MV Test' } }));
    // An idle chain writes no block after the one that commits these (docs/protocol.md R24).
    await net.waitHeight(last, [0]);
    const latest = await client.latestBlock();
    if (latest === null) throw new Error('no latest block');
    rootBefore = latest.header.stateRoot;
    heightBefore = latest.header.height;
    const signer = async (n: string): Promise<HostileSigner> => {
      nonces[n] = await client.nextNonce(act(n).id);
      return { key: act(n).key, id: act(n).id, nextNonce: nonces[n] as number };
    };
    ctx = {
      chainId: net.init.genesis.chainId,
      supplier: await signer('supplier'),
      buyer: await signer('buyer'),
      auditor: await signer('auditor'),
      regulator: await signer('regulator'),
      strangers: Array.from({ length: 8 }, () => generateSigningKey()),
      committed,
      knownHash: (story.sent.keys().next().value as string),
      knownIds: ['INV-H1', 'A-H1', act('supplier').id],
      maxNonceGap: MAX_NONCE_GAP,
    };
  });
  afterAll(async () => {
    agent.destroy();
    await net?.destroy();
  });

  function exchange(r: HostileRequest): Promise<{ status: number; text: string }> {
    const { port } = new URL(net.nodes[0]?.api as string);
    const headers: Record<string, string> = {};
    if (r.contentType !== undefined) headers['content-type'] = r.contentType;
    // Framed even on GET: an unframed body would read as the next request on the connection.
    if (r.body !== undefined) headers['content-length'] = String(Buffer.byteLength(r.body));
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: r.method, path: r.path, headers, agent }, (res) => {
        const status = res.statusCode ?? 0;
        if ((res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          // A valid event stream never ends: its first answer is enough.
          res.destroy();
          resolve({ status, text: '' });
          return;
        }
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status, text }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(r.body);
    });
  }

  async function send(r: HostileRequest): Promise<void> {
    const { status, text } = await exchange(r);
    sent++;
    const what = `${r.kind}: ${r.method} ${r.path.slice(0, 100)} ${r.body?.slice(0, 160) ?? ''} -> ${status} ${text.slice(0, 200)}`;
    if (status >= 500 || status < 100) expect.fail(`5xx or no status: ${what}`);
    // An exact copy of a committed transaction is answered with its outcome (idempotent submit,
    // 200 and status committed or rejected); anything else below 400 would be an admission.
    const settled = status === 200 && /"status":"(committed|rejected)"/.test(text);
    if (r.method === 'POST' && r.path.startsWith('/v1/transactions') && status < 400 && !settled) expect.fail(`a hostile transaction was admitted: ${what}`);
    if (r.settled === true && !settled) expect.fail(`expected 200 with the committed outcome: ${what}`);
    let code = `${status}`;
    if (status >= 400 && r.method !== 'HEAD') {
      const json = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
      if (!(API_ERROR_CODES as unknown[]).includes(json.error?.code) || typeof json.error?.message !== 'string') {
        expect.fail(`not the error envelope: ${what}`);
      }
      code = String(json.error?.code);
    }
    if (r.code !== undefined && (status !== 400 || code !== r.code)) expect.fail(`expected 400 ${r.code}: ${what}`);
    const key = `${r.kind.startsWith('read') ? 'read' : r.kind} ${code}`;
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }

  it(`${RUNS * PER_RUN} hostile requests across every route: no 5xx, every transaction refused with its code`, async () => {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(fc.array(hostileRequest(ctx), { minLength: PER_RUN, maxLength: PER_RUN }), async (batch) => {
        await Promise.all(batch.map(send));
      }),
      { numRuns: RUNS },
    );
    expect(sent).toBeGreaterThanOrEqual(RUNS * PER_RUN);
    const kinds = [...tally.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}=${n}`).join(', ');
    console.log(`hostile: ${sent} requests in ${Date.now() - started} ms; ${kinds}`);
    for (const kind of ['wrong-chain', 'auditor-write', 'wrong-role', 'unknown-signer', 'bad-signature', 'tampered', 'replay', 'nonce-too-high', 'unknown-type']) {
      expect([...tally.keys()].some((k) => k.startsWith(`${kind} `)), `no ${kind} request was sent`).toBe(true);
    }
  });

  it('the member is still healthy, keeps committing, and its state root is unchanged', async () => {
    const status = await client.status();
    expect(status).toMatchObject({ ready: true, chainId: net.init.genesis.chainId });
    const latest = await client.latestBlock();
    expect(latest?.header.height).toBeGreaterThanOrEqual(heightBefore);
    expect(latest?.header.stateRoot, `state root at ${latest?.header.height} vs ${heightBefore}`).toBe(rootBefore);

    const proof = await client.stateProof(stateKeyBytes('inv/INV-H1'));
    expect(proof.stateRoot).toBe(rootBefore);
    const v = verifyStateAnswer(proof, net.init.genesis.members, { chainId: net.init.genesis.chainId });
    expect(v.ok, v.ok ? '' : v.error.message).toBe(true);
    for (const [n, nonce] of Object.entries(nonces)) {
      expect((await client.getAccount((actors[n] as Actor).id))?.nextNonce, `${n}'s nonce`).toBe(nonce);
    }
    expect(await client.metrics()).toMatch(/^ledger_mempool_txs 0$/m);

    // It keeps committing: a transaction after the attack commits on every member (an idle
    // chain writes no block otherwise, R24).
    const h = await net.nudge(0);
    expect(h).toBeGreaterThan(Math.max(heightBefore, status.height));
    await net.waitHeight(h);
    const hashes = await Promise.all([0, 1, 2, 3].map((i) => net.blockHash(i, h)));
    expect(new Set(hashes).size, `block hashes at ${h}: ${hashes.join(', ')}`).toBe(1);
  });
});
