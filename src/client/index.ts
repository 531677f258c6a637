/**
 * The TypeScript SDK of the ledger's REST API, used by the `ledger` CLI, the benchmarks and
 * integrators.
 *
 * - LedgerClient (ledger-client.ts): one method per route of docs/api.md, typed by the
 *   JSON shapes in wire.ts; errors arrive as LedgerClientError with the server's code.
 * - buildTx (build-tx.ts): signs any transaction type, with the payload checked against the
 *   TxPayloads map (tx-payloads.ts); txToJson is the POST body. loadKeyFile reads a key file.
 * - verifyTxInclusion / verifyStateAnswer (verify.ts): check an answer with nothing but the
 *   member set: Merkle proof against the header root, header hash and links against the
 *   commit certificate (2-chain rule), and > 2/3 valid member signatures on it.
 * - verifyInvoice / verifyAsset / verifyAccount / verifyHistory (verify-entities.ts): the
 *   `?proof=true` answers, decoded from the proven bytes (records.ts, docs/state-layout.md),
 *   against a MemberSets built from the genesis and the member-set changes since
 *   (memberSetsFrom, member-sets.ts).
 * - exportInvoiceBundle / exportAssetBundle / exportBlocksBundle (export-bundle.ts) collect
 *   proven answers into a ledger-bundle/1 file; verifyBundle (verify-bundle.ts) checks one
 *   offline with the verifiers above and that it is whole (docs/bundles.md).
 * - blockEvents: the SSE feed with resume-after-last-height, so a reconnect loses nothing.
 *
 * Invariant: nothing here imports server modules (api, node, storage, consensus); it depends
 * on codec, crypto, types and util only, so it can be shipped alone. wire.ts mirrors the
 * server's TypeBox schemas and a type test keeps them equal.
 * Tests: test/unit/client (real HTTP against buildApi over a fake node, tampered answers).
 */
export { loadKeyFile, keyFromFile, generateSigningKey, saveKeyFile } from '../crypto/keys.js';
export type { SigningKey } from '../crypto/ed25519.js';
export { createReadToken, READ_TOKEN_LIMITS, type ReadTokenClaims } from '../crypto/read-token.js';
export * from './build-tx.js';
export * from './errors.js';
export * from './ledger-client.js';
export * from './sse.js';
export * from './tx-payloads.js';
export * from './verify.js';
export * from './verify-entities.js';
export * from './member-sets.js';
export * from './records.js';
export * from './wire.js';
export * from './bundle-format.js';
export * from './export-bundle.js';
export * from './verify-bundle.js';
