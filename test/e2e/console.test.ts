import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, verifyBundle, type TxAnswer } from '../../src/client/index.js';
import { toHex } from '../../src/util/bytes.js';
import { genesisHashHex } from '../../src/console/trust.js';
import { loadActor, StoryDriver, type Actor } from '../helpers/story-actors.js';
import { TamperProxy } from '../helpers/tamper-proxy.js';
import { auditorKeyFile, Testnet } from '../helpers/testnet.js';

// The auditor's console (/console) in Debian's chromium, driven by playwright-core, against a
// real 4-member consortium. The browser reaches member1 through a proxy that can change one
// byte of an answer: the badges must turn into visible failures when it does.
// CONSOLE_SCREENSHOTS=docs/images also writes the README's screenshots.

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const SHOTS = process.env['CONSOLE_SCREENSHOTS'];
const INV = 'INV-C1';

describe('the auditor\'s console in a browser', () => {
  let net: Testnet;
  let proxy: TamperProxy;
  let browser: Browser;
  let page: Page;
  let issued: TxAnswer;
  let split: TxAnswer;
  let story: StoryDriver;
  let supplier: Actor;
  /** Uncaught errors in the page: none may happen, tampered answers included. */
  const pageErrors: string[] = [];

  async function shot(name: string): Promise<void> {
    if (SHOTS === undefined) return;
    await mkdir(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `console-${name}.png`), fullPage: true });
  }

  async function signIn(p: Page, genesis: { file: string } | { text: string }): Promise<void> {
    await p.goto(`${proxy.url}/console/`);
    if ('file' in genesis) await p.setInputFiles('#genesis-file', genesis.file);
    else await p.fill('#genesis-text', genesis.text);
    await p.setInputFiles('#key-file', auditorKeyFile(net));
    await p.click('#sign-in');
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
    net = await Testnet.create({ nodes: 4 });
    net.startAll();
    await net.waitReady();
    const [s, buyer, supplier2] = (await Promise.all(['supplier', 'buyer', 'supplier2'].map((n) => loadActor(net, n)))) as [Actor, Actor, Actor];
    supplier = s;
    story = new StoryDriver(await net.client(0), net.init.genesis.chainId);
    issued = await story.send(supplier, 'invoice.issue', { id: INV, buyer: buyer.id, amount: '1000000', currency: 'EUR', dueDate: '2027-06-30', fingerprint: 'de-vat:console:1' });
    expect(issued.status).toBe('committed');
    expect((await story.send(buyer, 'invoice.accept', { id: INV })).status).toBe('committed');
    split = await story.send(supplier, 'invoice.split', { id: INV, parts: [{ id: `${INV}-A`, to: supplier.id, amount: '600000' }, { id: `${INV}-B`, to: supplier.id, amount: '400000' }] });
    expect(split.status).toBe('committed');
    expect((await story.send(supplier, 'invoice.transfer', { id: `${INV}-B`, to: supplier2.id })).status).toBe('committed');
    expect((await story.send(supplier, 'asset.register', { id: 'BL-C1', kind: 'bill-of-lading', fingerprint: 'sha256:c0ffee', metadata: { vessel: 'MV Console' } })).status).toBe('committed');
    // An open member-set proposal with one vote (2 of 4: not decisive, the member set stays).
    const [m1, m2] = (await Promise.all(['member1', 'member2'].map((n) => loadActor(net, n)))) as [Actor, Actor];
    const newcomer = toHex(generateSigningKey().publicKey);
    const propose = await story.send(m1, 'member.propose', { action: 'add', member: { name: 'member5', publicKey: newcomer, address: '/ip4/127.0.0.1/tcp/9999' } });
    expect(propose.status).toBe('committed');
    expect((await story.send(m2, 'member.vote', { proposalId: propose.hash, approve: true })).status).toBe('committed');
    proxy = await TamperProxy.start(net.nodes[0]?.api as string);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // Chrome logs every non-2xx fetch as an error; a 404 for a hash that is not a transaction is
    // how the block-hash search learns it, so only those are let through, by URL.
    page.on('console', (m) => {
      const expected404 = m.text().includes('404') && /\/v1\/transactions\/[0-9a-f]{64}$/.test(m.location().url);
      if (m.type() === 'error' && !expected404) pageErrors.push(`${m.text()} ${m.location().url}`);
    });
  });
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await net?.destroy();
  });

  it('serves the console from the node itself, with a CSP that allows no other origin', async () => {
    const r = await fetch(`${net.nodes[1]?.api}/console/`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await r.text();
    expect(html).toContain('console.js');
    expect(html).not.toMatch(/https?:\/\//);
    expect((await fetch(`${net.nodes[1]?.api}/console/console.js`)).headers.get('content-type')).toContain('text/javascript');
    expect((await fetch(`${net.nodes[1]?.api}/console/nope.js`)).status).toBe(404);
  });

  it('refuses a genesis hash the node\'s genesis does not match, and signs in with the right one', async () => {
    await signIn(page, { text: 'ab'.repeat(32) });
    await expect.poll(() => page.textContent('#sign-in-error').catch(() => null)).toContain('not to the pinned');
    await signIn(page, { text: genesisHashHex(net.init.genesis) });
    await page.waitForSelector('nav');
    expect(await page.textContent('header .who')).toContain('auditor');
  });

  it('shows the overview with the head block and the member set verified against the pinned genesis file', async () => {
    await signIn(page, { file: net.init.genesisFile });
    await page.waitForSelector('section:has(h2:text("Head")) [data-verdict="verified"]');
    await page.waitForSelector('section:has(h2:text("Members")) [data-verdict="verified"]');
    expect(await page.locator('section:has(h2:text("Members")) tbody tr').count()).toBe(4);
    // The live chart fills from the event stream as blocks commit (an idle chain writes none,
    // R24): transactions committed while the page watches show as bars of non-zero height.
    for (let i = 0; i < 3; i++) {
      expect((await story.send(supplier, 'asset.register', { id: `BL-LIVE-${i}`, kind: 'bill-of-lading', fingerprint: `sha256:live${i}`, metadata: {} })).status).toBe('committed');
    }
    await expect.poll(() => page.locator('.chart rect:not([height="0"])').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    await shot('overview');
  });

  it('finds a transaction by hash and a block by height, both shown verified', async () => {
    await page.goto(`${proxy.url}/console/#/blocks`);
    await page.waitForSelector('tbody [data-verdict="verified"]');
    // The list follows the event stream: newer blocks arrive at the top, verified.
    const top = async (): Promise<number> => Number(await page.textContent('tbody tr:first-child td:first-child'));
    const first = await top();
    expect((await story.send(supplier, 'asset.register', { id: 'BL-LIST', kind: 'bill-of-lading', fingerprint: 'sha256:list', metadata: {} })).status).toBe('committed');
    await expect.poll(top, { timeout: 30_000 }).toBeGreaterThan(first);
    await page.waitForSelector('tbody tr:first-child [data-verdict="verified"]');
    await page.fill('#block-search', issued.hash);
    await page.press('#block-search', 'Enter');
    await page.waitForSelector('h2:text("Transaction")');
    const txBadge = page.locator('[data-verdict]').first();
    await expect.poll(() => txBadge.getAttribute('data-verdict')).toBe('verified');
    expect(await txBadge.textContent()).toContain(`in block ${issued.height}`);
    await page.goto(`${proxy.url}/console/#/blocks`);
    await page.fill('#block-search', String(split.height));
    await page.press('#block-search', 'Enter');
    await page.waitForSelector(`h2:text("Block ${split.height}")`);
    await page.waitForSelector('[data-verdict="verified"]');
    expect(await page.locator('tbody tr').count()).toBeGreaterThanOrEqual(1);
    await shot('block');
    // A block hash finds its block too.
    await page.fill('#block-search', issued.blockHash as string);
    await page.press('#block-search', 'Enter');
    await page.waitForSelector(`h2:text("Block ${issued.height}")`);
    await page.waitForSelector('[data-verdict="verified"]');
  });

  it('finds an invoice and shows its history verified, its split lineage as a tree, and downloads the history as CSV', async () => {
    await page.goto(`${proxy.url}/console/#/invoices`);
    await page.fill('#entity-search', `${INV}-B`);
    await page.press('#entity-search', 'Enter');
    await page.waitForSelector(`h2:text("Invoice ${INV}-B")`);
    const entries = page.locator('#history > li');
    await expect.poll(() => entries.count()).toBeGreaterThanOrEqual(2);
    const n = await entries.count();
    await expect.poll(() => page.locator('#history > li [data-verdict="verified"]').count(), { timeout: 30_000 }).toBe(n);
    // The tree starts at the original invoice and holds both parts, the open one marked.
    await page.waitForSelector(`#lineage > li > span a:text("${INV}")`);
    await expect.poll(() => page.locator('#lineage ul > li').count()).toBe(2);
    expect(await page.textContent('#lineage .current')).toContain(`${INV}-B`);
    // The record is proven field by field: the node's ?proof=true answer decoded in the page.
    await page.waitForSelector(`section:has(h2:text("Invoice ${INV}-B")) [data-verdict="verified"]`);
    await shot('invoice');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#history-csv')]);
    const csv = await (await download.createReadStream()).toArray().then((cs) => Buffer.concat(cs as Buffer[]).toString('utf8'));
    const rows = csv.trim().split('\r\n');
    expect(rows[0]).toBe('height,time,type,signer,txHash,verified,detail');
    expect(rows).toHaveLength(n + 1);
    expect(rows.slice(1).every((r) => r.includes(',verified,'))).toBe(true);
    expect(csv).toContain('invoice.transfer');

    // The proof bundle the page verified and offered verifies offline with the genesis alone,
    // lineage included; one changed digit of a proven amount makes it fail.
    const [bundleFile] = await Promise.all([page.waitForEvent('download'), page.click('#bundle-download')]);
    expect(bundleFile.suggestedFilename()).toBe(`invoice-${INV}-B.bundle.json`);
    await page.waitForSelector('#bundle [data-verdict="verified"]');
    const text = await (await bundleFile.createReadStream()).toArray().then((cs) => Buffer.concat(cs as Buffer[]).toString('utf8'));
    const offline = verifyBundle(JSON.parse(text), net.init.genesis);
    expect(offline.ok, JSON.stringify(!offline.ok && offline.error)).toBe(true);
    expect(offline.ok && offline.value.entities.map((e) => e.id).sort()).toEqual([INV, `${INV}-A`, `${INV}-B`]);
    const changed = text.replace('"amount": "400000"', '"amount": "400001"');
    expect(changed).not.toBe(text);
    expect(verifyBundle(JSON.parse(changed), net.init.genesis).ok).toBe(false);
  });

  it('shows assets and accounts with their verdicts', async () => {
    await page.goto(`${proxy.url}/console/#/assets/BL-C1`);
    await page.waitForSelector('#history [data-verdict="verified"]');
    await page.goto(`${proxy.url}/console/#/accounts`);
    await page.waitForSelector('tbody tr:has-text("auditor") [data-verdict="verified"]');
  });

  it('lists a member-set proposal with its votes, each verified through its block', async () => {
    await page.goto(`${proxy.url}/console/#/governance`);
    await page.waitForSelector('.proposal');
    expect(await page.locator('.proposal').count()).toBe(1);
    expect(await page.textContent('.proposal h3')).toContain('add member member5');
    expect(await page.locator('.proposal tbody tr').count()).toBe(1);
    await expect.poll(() => page.locator('.proposal [data-verdict="verified"]').count(), { timeout: 30_000 }).toBe(2);
  });

  it('turns a badge into a visible failure when the proxy changes one byte of an answer', async () => {
    proxy.tamper = { path: /^\/v1\/blocks\/\d+$/, field: 'stateRoot' };
    await page.goto(`${proxy.url}/console/#/blocks/${split.height}`);
    await page.waitForSelector('[data-verdict="failed"]');
    expect(await page.textContent('[data-verdict="failed"]')).toContain('BLOCK_HASH_MISMATCH');
    await shot('tampered');

    // A block body changed under an honest header: the transaction no longer hashes to its hash.
    proxy.tamper = { path: /^\/v1\/blocks\/\d+$/, field: 'fingerprint' };
    await page.goto(`${proxy.url}/console/#/blocks/${issued.height}`);
    await page.waitForSelector('[data-verdict="failed"]');
    expect(await page.textContent('[data-verdict="failed"]')).toContain('TX_HASH_MISMATCH');

    proxy.tamper = { path: /^\/v1\/transactions\//, field: 'signature' };
    await page.goto(`${proxy.url}/console/#/tx/${issued.hash}`);
    await page.waitForSelector('[data-verdict="failed"]');
    expect(await page.textContent('[data-verdict="failed"]')).toContain('TX_SIGNATURE_INVALID');
    // The same lie shows on the invoice's timeline: every entry names a tampered transaction.
    await page.goto(`${proxy.url}/console/#/invoices/${INV}`);
    await expect.poll(() => page.locator('#history > li [data-verdict="failed"]').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#history > li [data-verdict="verified"]').count()).toBe(0);
    expect(proxy.changed).toBeGreaterThanOrEqual(4);

    // An invoice whose plain answer names another seller than the proven record; then one
    // whose proven answer carries a value other than the bytes its proof covers.
    proxy.tamper = { path: /^\/v1\/invoices\/[^/?]+$/, field: 'seller' };
    await page.goto(`${proxy.url}/console/#/invoices/${INV}-B`);
    await page.waitForSelector(`section:has(h2:text("Invoice ${INV}-B")) [data-verdict="failed"]`);
    expect(await page.textContent(`section:has(h2:text("Invoice ${INV}-B")) [data-verdict="failed"]`)).toContain('FIELD_MISMATCH');
    proxy.tamper = { path: /^\/v1\/invoices\/[^/?]+\?proof=true$/, field: 'seller' };
    await page.goto(`${proxy.url}/console/#/invoices/${INV}`);
    await page.waitForSelector(`section:has(h2:text("Invoice ${INV}")) [data-verdict="failed"]`);
    expect(await page.textContent(`section:has(h2:text("Invoice ${INV}")) [data-verdict="failed"]`)).toContain('VALUE_MISMATCH');

    // And with the proxy honest again, the same pages verify.
    proxy.tamper = null;
    await page.goto(`${proxy.url}/console/#/tx/${issued.hash}`);
    await page.waitForSelector('[data-verdict="verified"]');
    expect(pageErrors).toEqual([]);
  });
});
