/**
 * The SDK's verifiers alone, for a browser bundle (the web console): nothing reachable from
 * here needs a Node API at load or on the verification path (node:crypto and Buffer are taken
 * only as fast paths when present, util/node-builtin.ts). The LedgerClient, key files and
 * signing stay in index.ts. test/unit/client/browser-bundle.test.ts bundles this file for the
 * browser and runs it without Node globals.
 */
export { genesisFromJson } from '../codec/genesis.js';
export * from './member-sets.js';
export * from './records.js';
export * from './verify-entities.js';
export * from './verify.js';
export * from './verify-bundle.js';
export * from './bundle-format.js';
export type * from './wire.js';
