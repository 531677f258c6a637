// The image's HEALTHCHECK: exit 0 when this node's REST API answers GET /v1/status and the
// node is ready, or is catching up from peers (syncing: alive and making progress, so a long
// sync does not turn the container unhealthy); 1 otherwise: no answer, consensus halted, or
// neither ready nor syncing. With --ready, only a ready node passes (scripts that submit next).
// The reason is on stdout, which `docker inspect` shows.
// Plain JavaScript run by node itself: the slim base image has no curl or wget.
const port = process.env.LEDGER_API_PORT || '8080';
const url = `http://127.0.0.1:${port}/v1/status`;
const requireReady = process.argv.includes('--ready');
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(4000) });
  const body = res.ok ? await res.json() : null;
  if (body !== null && body.ready === true) {
    console.log(`ready at height ${body.height}, ${body.peersConnected} peers`);
    process.exit(0);
  }
  if (body !== null && body.syncing === true) {
    const pct = Math.floor((body.syncProgress ?? 0) * 100);
    console.log(`syncing: height ${body.height} of ${body.targetHeight} (${pct}%), ${body.peersConnected} peers`);
    process.exit(requireReady ? 1 : 0);
  }
  console.log(`not ready: HTTP ${res.status}${body === null ? '' : `, height ${body.height}, ${body.peersConnected} peers (starting, or see the log)`}`);
} catch (e) {
  console.log(`no answer from ${url}: ${e?.cause?.code ?? e?.message ?? String(e)}`);
}
process.exit(1);
