// The image's HEALTHCHECK: exit 0 when this node's REST API answers GET /v1/status and the
// node is ready, or is catching up from peers (syncing: alive and making progress, so a long
// sync does not turn the container unhealthy); 1 otherwise: no answer, consensus halted, or
// neither ready nor syncing. With --ready, only a ready node passes (scripts that submit next).
// The reason is on stdout, which `docker inspect` shows.
// Plain JavaScript run by node itself: the slim base image has no curl or wget.
import { get } from 'node:https';

const port = process.env.LEDGER_API_PORT || '8080';
// With a certificate the node serves HTTPS only (docker/RUNBOOK.md). The probe talks to its own
// process on loopback, where the certificate's name need not match: it checks liveness, not
// identity, and /v1/status carries nothing secret.
const tls = Boolean(process.env.LEDGER_API_TLS_CERT);
const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}/v1/status`;
const requireReady = process.argv.includes('--ready');

function getStatus() {
  if (!tls) return fetch(url, { signal: AbortSignal.timeout(4000) }).then(async (res) => ({ status: res.status, body: res.ok ? await res.json() : null }));
  return new Promise((resolve, reject) => {
    const req = get(url, { rejectUnauthorized: false, timeout: 4000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode, body: res.statusCode === 200 ? JSON.parse(text) : null });
        } catch (e) {
          reject(e);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

try {
  const { status, body } = await getStatus();
  if (body !== null && body.ready === true) {
    console.log(`ready at height ${body.height}, ${body.peersConnected} peers`);
    process.exit(0);
  }
  if (body !== null && body.syncing === true) {
    const pct = Math.floor((body.syncProgress ?? 0) * 100);
    console.log(`syncing: height ${body.height} of ${body.targetHeight} (${pct}%), ${body.peersConnected} peers`);
    process.exit(requireReady ? 1 : 0);
  }
  console.log(`not ready: HTTP ${status}${body === null ? '' : `, height ${body.height}, ${body.peersConnected} peers (starting, or see the log)`}`);
} catch (e) {
  console.log(`no answer from ${url}: ${e?.cause?.code ?? e?.code ?? e?.message ?? String(e)}`);
}
process.exit(1);
