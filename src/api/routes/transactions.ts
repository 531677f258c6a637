import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DecodeError } from '../../codec/errors.js';
import { decodeTxEnvelope, normaliseTxEnvelope } from '../../codec/tx.js';
import { merkleProof } from '../../crypto/merkle.js';
import { txHash } from '../../crypto/tx.js';
import type { TxEnvelope } from '../../types/tx.js';
import { bytesEqual, fromHex, toHex } from '../../util/bytes.js';
import { invariant } from '../../util/errors.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { loadFinality } from '../finality.js';
import { merkleProofToJson, receiptToJson, txToJson } from '../json.js';
import { HashParams } from '../schemas/common.js';
import { errorResponses } from '../schemas/error.js';
import { SubmitTxAccepted, SubmitTxBody, TxAnswer, TxUnknown } from '../schemas/transactions.js';
import { mayReadTx } from '../scope.js';
import type { RouteOptions } from './route-options.js';

function hexField(hex: string, field: string): Uint8Array {
  const bytes = fromHex(hex);
  if (bytes === null) throw new DecodeError('DECODE_BAD_FIELD', `${field}: invalid hex`, { field });
  return bytes;
}

/** The envelope of a POST body, validated by the same rules as one decoded from bytes. */
export function envelopeFromBody(body: SubmitTxBody): TxEnvelope {
  return normaliseTxEnvelope({
    ...body,
    signer: hexField(body.signer, 'signer'),
    signature: hexField(body.signature, 'signature'),
  });
}

/** The answer of GET /v1/transactions/:hash, or null for a hash this node never saw. */
export async function txAnswer(deps: ApiDeps, hash: Uint8Array): Promise<TxAnswer | null> {
  const hashHex = toHex(hash);
  const loc = await deps.findTx(hash);
  if (loc === null) {
    const pending = deps.pendingTx(hash);
    return pending === null ? null : { hash: hashHex, status: 'pending', tx: txToJson(pending, hash) };
  }
  const rec = await deps.getBlock(loc.height);
  invariant(rec !== null, `indexed block ${loc.height} is missing from the store`);
  const receipt = rec.receipts[loc.index];
  const bytes = rec.committed.block.txs[loc.index];
  invariant(receipt !== undefined && bytes !== undefined && bytesEqual(receipt.hash, hash), `tx index of ${hashHex} disagrees with its block`);
  // PERF: the proof rehashes the block's leaves (~2 µs each); blocks hold at most thousands.
  const proof = merkleProof(rec.receipts.map((r) => r.hash), loc.index);
  return {
    hash: hashHex,
    status: receipt.ok ? 'committed' : 'rejected',
    tx: txToJson(decodeTxEnvelope(bytes), hash),
    height: loc.height,
    index: loc.index,
    receipt: receiptToJson(receipt),
    proof: merkleProofToJson(proof),
    ...(await loadFinality(deps, rec)),
  };
}

// Refusals that the very same signed transaction earns once it is pending (DUPLICATE_TX) or
// settled (NONCE_TOO_LOW; UNKNOWN_SIGNER or ROLE_NOT_ALLOWED when it rotated the key or a
// governance change moved the role since): for these the node looks the hash up before refusing.
const SEEN_CODES: ReadonlySet<string> = new Set(['DUPLICATE_TX', 'NONCE_TOO_LOW', 'UNKNOWN_SIGNER', 'ROLE_NOT_ALLOWED']);

/**
 * Idempotent submit: the answer for a transaction this node already holds with the same hash
 * and the same signature (a client resending after a timeout), or null. PERF: only refused
 * submissions pay for it (one sha256 and one index lookup).
 */
async function knownTx(deps: ApiDeps, tx: TxEnvelope): Promise<TxAnswer | null> {
  const hash = txHash(tx);
  const a = await txAnswer(deps, hash);
  return a !== null && a.tx.signature === toHex(tx.signature) ? a : null;
}

/** POST /v1/transactions and GET /v1/transactions/:hash. */
export const transactionRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { deps }) => {
  app.post(
    '/v1/transactions',
    {
      // Public: a transaction carries its own signature, checked at admission.
      config: { public: true },
      schema: {
        tags: ['transactions'],
        summary: 'Submit a signed transaction to the pool (idempotent: resubmitting the same signed transaction answers its hash or its outcome)',
        body: SubmitTxBody,
        response: { 200: TxAnswer, 202: SubmitTxAccepted, ...errorResponses(413, 415, 503) },
      },
    },
    async (req, reply) => {
      const tx = envelopeFromBody(req.body);
      const result = await deps.submitTx(tx);
      if (result.ok) return reply.code(202).send({ hash: toHex(result.hash) });
      const known = SEEN_CODES.has(result.code) ? await knownTx(deps, tx) : null;
      if (known === null) throw new ApiError(result.code, result.message);
      // Still pending: the same 202 as the first time. Settled: its outcome, as GET answers it.
      if (known.status === 'pending') return reply.code(202).send({ hash: known.hash });
      return reply.code(200).send(known);
    },
  );

  app.get(
    '/v1/transactions/:hash',
    {
      schema: {
        tags: ['transactions'],
        summary: 'A transaction, its status and, once in a block, its inclusion proof and commit certificate',
        params: HashParams,
        response: { 200: TxAnswer, 404: TxUnknown, ...errorResponses(401) },
      },
    },
    async (req, reply) => {
      const hash = hexField(req.params.hash, 'hash');
      const a = await txAnswer(deps, hash);
      // Someone else's transaction answers exactly as an unknown one (scope.ts).
      if (a === null || !mayReadTx(req.reader, a.tx.signer)) return reply.code(404).send({ error: { code: 'TX_UNKNOWN', message: 'unknown transaction' }, hash: toHex(hash), status: 'unknown' });
      return a;
    },
  );
};
