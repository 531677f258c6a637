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
import { createServer } from 'node:net';

const [cmd, ...args] = process.argv.slice(2);

function fail(msg) {
  console.error(`cluster-check: ${msg}`);
  process.exit(1);
}

async function getJson(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
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
} else {
  fail('usage: cluster-check.mjs free-ports N | height URL | wait-height MIN TIMEOUT_S URL... | same-blocks URL... | version VERSION COMMIT URL...');
}
