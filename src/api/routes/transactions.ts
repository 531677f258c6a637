import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DecodeError } from '../../codec/errors.js';
import { decodeTxEnvelope, normaliseTxEnvelope } from '../../codec/tx.js';
import { merkleProof } from '../../crypto/merkle.js';
import type { TxEnvelope } from '../../types/tx.js';
import { bytesEqual, fromHex, toHex } from '../../util/bytes.js';
import { invariant } from '../../util/errors.js';
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

/** POST /v1/transactions and GET /v1/transactions/:hash. */
export const transactionRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { deps }) => {
  app.post(
    '/v1/transactions',
    {
      // Public: a transaction carries its own signature, checked at admission.
      config: { public: true },
      schema: {
        tags: ['transactions'],
        summary: 'Submit a signed transaction to the pool',
        body: SubmitTxBody,
        response: { 202: SubmitTxAccepted, ...errorResponses(413, 415, 503) },
      },
    },
    async (req, reply) => {
      const result = await deps.submitTx(envelopeFromBody(req.body));
      if (!result.ok) throw new ApiError(result.code, result.message);
      return reply.code(202).send({ hash: toHex(result.hash) });
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
      const hashHex = toHex(hash);
      const loc = await deps.findTx(hash);
      // Someone else's transaction answers exactly as an unknown one (scope.ts).
      const unknown = (): typeof reply => reply.code(404).send({ error: { code: 'TX_UNKNOWN', message: 'unknown transaction' }, hash: hashHex, status: 'unknown' });
      if (loc === null) {
        const pending = deps.pendingTx(hash);
        if (pending !== null && mayReadTx(req.reader, toHex(pending.signer))) return { hash: hashHex, status: 'pending' as const, tx: txToJson(pending, hash) };
        return unknown();
      }
      const rec = await deps.getBlock(loc.height);
      invariant(rec !== null, `indexed block ${loc.height} is missing from the store`);
      const receipt = rec.receipts[loc.index];
      const bytes = rec.committed.block.txs[loc.index];
      invariant(receipt !== undefined && bytes !== undefined && bytesEqual(receipt.hash, hash), `tx index of ${hashHex} disagrees with its block`);
      const tx = decodeTxEnvelope(bytes);
      if (!mayReadTx(req.reader, toHex(tx.signer))) return unknown();
      // PERF: the proof rehashes the block's leaves (~2 µs each); blocks hold at most thousands.
      const proof = merkleProof(rec.receipts.map((r) => r.hash), loc.index);
      return {
        hash: hashHex,
        status: receipt.ok ? ('committed' as const) : ('rejected' as const),
        tx: txToJson(tx, hash),
        height: loc.height,
        index: loc.index,
        receipt: receiptToJson(receipt),
        proof: merkleProofToJson(proof),
        ...(await loadFinality(deps, rec)),
      };
    },
  );
};
