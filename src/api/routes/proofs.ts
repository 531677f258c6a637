import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { fromHex } from '../../util/bytes.js';
import { invariant } from '../../util/errors.js';
import { ApiError } from '../errors.js';
import { stateAnswer } from '../state-answer.js';
import { errorResponses } from '../schemas/error.js';
import { StateAnswer, StateProofQuery } from '../schemas/proofs.js';
import { mayReadStateKey } from '../scope.js';
import type { RouteOptions } from './route-options.js';

/** GET /v1/proofs/state?key=: a value with its proof against the latest certified state root. */
export const proofRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { deps }) => {
  app.get(
    '/v1/proofs/state',
    {
      schema: {
        tags: ['proofs'],
        summary: 'The value of a state key (or its absence) with a Merkle proof and the commit certificate of its state root',
        querystring: StateProofQuery,
        response: { 200: StateAnswer, ...errorResponses(401, 404) },
      },
    },
    async (req) => {
      const key = fromHex(req.query.key);
      invariant(key !== null, 'schema admitted a key that is not hex');
      if (deps.status().height === 0) throw new ApiError('NOT_FOUND', 'no block committed yet');
      if (!(await mayReadStateKey(deps, req.reader, key))) throw new ApiError('NOT_FOUND', 'no readable state key');
      return stateAnswer(deps, key);
    },
  );
};
