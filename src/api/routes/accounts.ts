import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toHex } from '../../util/bytes.js';
import { ApiError } from '../errors.js';
import { AccountJson, AccountParams } from '../schemas/accounts.js';
import { errorResponses } from '../schemas/error.js';
import { MembersJson } from '../schemas/status.js';
import { mayReadAccount } from '../scope.js';
import type { RouteOptions } from './route-options.js';

/** GET /v1/accounts/:publicKey and GET /v1/members. */
export const accountRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { deps }) => {
  app.get(
    '/v1/accounts/:publicKey',
    {
      schema: {
        tags: ['accounts'],
        summary: 'An account by current public key (hex) or id, with the next nonce to sign with',
        params: AccountParams,
        response: { 200: AccountJson, ...errorResponses(401, 404) },
      },
    },
    async (req) => {
      // Keys are stored lower-case; ids are case-sensitive, so only a 64-hex-char key is folded.
      const p = req.params.publicKey;
      const acct = await deps.getAccount(/^[0-9a-fA-F]{64}$/.test(p) ? p.toLowerCase() : p);
      if (acct === null || !mayReadAccount(req.reader, acct, p)) throw new ApiError('NOT_FOUND', 'unknown account');
      return acct;
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
