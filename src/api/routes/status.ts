import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toHex } from '../../util/bytes.js';
import { errorResponses } from '../schemas/error.js';
import { GenesisJson, StatusJson } from '../schemas/status.js';
import { genesisToJson } from '../../codec/genesis.js';
import type { RouteOptions } from './route-options.js';

/** GET /v1/status (identity, progress, health, catch-up state) and GET /v1/genesis. */
export const statusRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { deps }) => {
  app.get(
    '/v1/status',
    // Public: probes and the SDK (which reads the chain id its tokens name) have no token yet.
    // It holds no ledger data: identity, height and health only.
    { config: { public: true }, schema: { tags: ['node'], summary: 'Node status, health and readiness (no token needed)', response: { 200: StatusJson, ...errorResponses() } } },
    async () => {
      const s = deps.status();
      return {
        chainId: s.chainId,
        node: s.node,
        height: s.height,
        headHash: toHex(s.headHash),
        view: s.view,
        epoch: s.epoch,
        members: s.members,
        peersConnected: s.peersConnected,
        ready: s.ready,
        syncing: s.syncing,
        targetHeight: s.targetHeight,
        syncProgress: s.syncProgress,
        validator: s.validator,
        version: s.version,
        commit: s.commit,
      };
    },
  );
  app.get(
    '/v1/genesis',
    { schema: { tags: ['node'], summary: 'The genesis this node runs (for `ledger audit --node`)', response: { 200: GenesisJson, ...errorResponses(401) } } },
    async () => genesisToJson(deps.genesis()) as GenesisJson,
  );
};
