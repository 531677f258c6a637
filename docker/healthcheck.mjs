// The image's HEALTHCHECK: exit 0 when this node's REST API answers GET /v1/status with
// ready: true, 1 otherwise (with the reason on stdout, which `docker inspect` shows).
// Plain JavaScript run by node itself: the slim base image has no curl or wget.
const port = process.env.LEDGER_API_PORT || '8080';
const url = `http://127.0.0.1:${port}/v1/status`;
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(4000) });
  const body = res.ok ? await res.json() : null;
  if (body !== null && body.ready === true) {
    console.log(`ready at height ${body.height}, ${body.peersConnected} peers`);
    process.exit(0);
  }
  console.log(`not ready: HTTP ${res.status}${body === null ? '' : `, height ${body.height}, syncing ${body.syncing}`}`);
} catch (e) {
  console.log(`no answer from ${url}: ${e?.cause?.code ?? e?.message ?? String(e)}`);
}
process.exit(1);
