// Black-box checks of running members over their REST APIs, for docker/test-containers.sh
// (plain JavaScript: it runs with nothing but node, before or without a build). Every command
// prints what it saw and exits 1 when the check fails.
//
//   node docker/cluster-check.mjs free-ports N
//       N free TCP ports on 127.0.0.1, space-separated.
//   node docker/cluster-check.mjs wait-height MIN TIMEOUT_S URL...
//       waits until every node reports height >= MIN in GET /v1/status.
//   node docker/cluster-check.mjs same-blocks URL...
//       GET /v1/blocks/:height for 1..(lowest height among the nodes) on every node: the hashes
//       must be identical at each height; prints the range compared.
//   node docker/cluster-check.mjs height URL
//       prints the node's height.
//   node docker/cluster-check.mjs version VERSION COMMIT URL...
//       every node reports this version and commit in GET /v1/status (a rolling upgrade's check).
import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const [cmd, ...args] = process.argv.slice(2);

function fail(msg) {
  console.error(`cluster-check: ${msg}`);
  process.exit(1);
}

// Reads need a read token (docs/security.md): with LEDGER_READ_KEY (a plaintext key file of a
// member, auditor or regulator) and LEDGER_CHAIN_ID set, every GET carries one, minted here the
// way the SDK does: an EdDSA JWT over base64url(header).base64url(claims), audience = chain id.
const READ_KEY = process.env.LEDGER_READ_KEY;
const CHAIN_ID = process.env.LEDGER_CHAIN_ID;
const b64 = (b) => Buffer.from(b).toString('base64url');

function readToken() {
  const file = JSON.parse(readFileSync(READ_KEY, 'utf8'));
  // PKCS#8 DER of an ed25519 seed: the fixed 16-byte prefix, then the 32-byte seed.
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(file.secretKey, 'hex')]);
  const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const iat = Math.floor(Date.now() / 1000);
  const input = `${b64(JSON.stringify({ alg: 'EdDSA', typ: 'JWT' }))}.${b64(JSON.stringify({ sub: file.publicKey, aud: CHAIN_ID, iat, exp: iat + 120 }))}`;
  return `${input}.${b64(sign(null, Buffer.from(input, 'ascii'), key))}`;
}

async function getJson(url) {
  const headers = READ_KEY && CHAIN_ID ? { authorization: `Bearer ${readToken()}` } : {};
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

async function height(base) {
  return (await getJson(`${base}/v1/status`)).height;
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

if (cmd === 'free-ports') {
  const ports = new Set();
  while (ports.size < Number(args[0])) ports.add(await freePort());
  console.log([...ports].join(' '));
} else if (cmd === 'height') {
  console.log(await height(args[0]).catch((e) => fail(e.message)));
} else if (cmd === 'wait-height') {
  const [min, timeoutS, ...urls] = args;
  const deadline = Date.now() + Number(timeoutS) * 1000;
  const last = new Map();
  for (;;) {
    for (const u of urls) last.set(u, await height(u).catch((e) => `down (${e.cause?.code ?? e.message})`));
    if ([...last.values()].every((h) => typeof h === 'number' && h >= Number(min))) break;
    if (Date.now() > deadline) fail(`not all at height >= ${min} after ${timeoutS} s: ${[...last].map(([u, h]) => `${u} ${h}`).join(', ')}`);
    // Polling REST is the only observable progress signal of separate containers.
    await new Promise((r) => setTimeout(r, 250));
  }
  console.log(`heights ${[...last.values()].join(' ')} (all >= ${min})`);
} else if (cmd === 'same-blocks') {
  const heights = await Promise.all(args.map((u) => height(u))).catch((e) => fail(e.message));
  const top = Math.min(...heights);
  if (top < 1) fail(`nothing committed yet (heights ${heights.join(' ')})`);
  for (let h = 1; h <= top; h++) {
    const hashes = await Promise.all(args.map((u) => getJson(`${u}/v1/blocks/${h}`).then((b) => b.hash))).catch((e) => fail(e.message));
    if (new Set(hashes).size !== 1) fail(`height ${h}: nodes disagree: ${args.map((u, i) => `${u} ${hashes[i]}`).join(', ')}`);
  }
  console.log(`blocks 1..${top} identical on ${args.length} nodes (heights ${heights.join(' ')})`);
} else if (cmd === 'version') {
  const [version, commit, ...urls] = args;
  const seen = await Promise.all(urls.map((u) => getJson(`${u}/v1/status`).then((s) => `${s.version} ${s.commit}`))).catch((e) => fail(e.message));
  const wrong = urls.filter((_, i) => seen[i] !== `${version} ${commit}`);
  if (wrong.length > 0) fail(`expected version ${version} commit ${commit}: ${urls.map((u, i) => `${u} ${seen[i]}`).join(', ')}`);
  console.log(`version ${version} commit ${commit} on ${urls.length} node(s)`);
} else if (cmd === 'token') {
  if (!READ_KEY || !CHAIN_ID) fail('token needs LEDGER_READ_KEY and LEDGER_CHAIN_ID');
  console.log(readToken());
} else {
  fail('usage: cluster-check.mjs free-ports N | token | height URL | wait-height MIN TIMEOUT_S URL... | same-blocks URL... | version VERSION COMMIT URL...');
}
