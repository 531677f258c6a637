import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { accountKey, publicKeyKey } from '../../state/contracts/accounts/keys.js';
import { decodeKeyEntry } from '../../state/contracts/accounts/types.js';
import { stateKeyBytes } from '../../state/view.js';
import { fromHex, toHex } from '../../util/bytes.js';
import { ApiError } from '../errors.js';
import { AccountJson, AccountParams } from '../schemas/accounts.js';
import { AccountProof, ProofQuery } from '../schemas/entity-proofs.js';
import { errorResponses } from '../schemas/error.js';
import { accountRecordJson, entityAnswer, stateAnswer } from '../state-answer.js';
import { MembersJson } from '../schemas/status.js';
import { fullScope, mayReadAccount } from '../scope.js';
import type { RouteOptions } from './route-options.js';

/** GET /v1/accounts/:publicKey and GET /v1/members. */
export const accountRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { deps }) => {
  app.get(
    '/v1/accounts/:publicKey',
    {
      schema: {
        tags: ['accounts'],
        summary: 'An account by current public key (hex) or id, with the next nonce to sign with; with ?proof=true its stored record with a state proof',
        params: AccountParams,
        querystring: ProofQuery,
        response: { 200: Type.Union([AccountJson, AccountProof]), ...errorResponses(401, 404) },
      },
    },
    async (req) => {
      // Keys are stored lower-case; ids are case-sensitive, so only a 64-hex-char key is folded.
      const p = req.params.publicKey;
      const asked = /^[0-9a-fA-F]{64}$/.test(p) ? p.toLowerCase() : p;
      const acct = await deps.getAccount(asked);
      // Absence is provable only to readers of everything, and only of an account id.
      if (acct === null && req.query.proof === 'true' && fullScope(req.reader) && deps.status().height > 0) return entityAnswer(deps, accountKey(asked), accountRecordJson);
      if (acct === null || !mayReadAccount(req.reader, acct, p)) throw new ApiError('NOT_FOUND', 'unknown account');
      if (req.query.proof !== 'true') return acct;
      // The record is stored under the account's id, which a lookup by current key finds in 'key/<key>'.
      const entry = await stateAnswer(deps, stateKeyBytes(publicKeyKey(acct.publicKey)));
      const id = entry.value === null ? asked : decodeKeyEntry(fromHex(entry.value) as Uint8Array).accountId;
      return entityAnswer(deps, accountKey(id), accountRecordJson);
    },
  );

  app.get(
    '/v1/members',
    { schema: { tags: ['accounts'], summary: 'The member (validator) set in force', response: { 200: MembersJson, ...errorResponses(401) } } },
    async () => {
      const m = deps.members();
      return {
        epoch: m.epoch,
        members: m.members.map((x, index) => ({ index, name: x.name, publicKey: toHex(x.publicKey), address: x.address })),
      };
    },
  );
};
