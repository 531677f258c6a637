/**
 * Domain types shared by every module: blocks, headers, certificates, transactions, genesis.
 *
 * Pure data: no behaviour and no imports beyond this folder. Encodings live in `codec/`,
 * hashing and signatures in `crypto/`. Byte fields are Uint8Array; hashes are 32 bytes,
 * public keys 32, signatures 64 (checked by the decoders in `codec/`).
 */
export * from './primitives.js';
export * from './tx.js';
export * from './block.js';
export * from './genesis.js';
export * from './edges.js';
