/**
 * Canonical encodings of every wire and disk type, and the only module that imports msgpackr.
 *
 * Everything signed or hashed is a positional MessagePack array in a fixed field order
 * (docs/conventions.md, Codec); transaction payloads are objects with sorted keys. Decoders take
 * untrusted bytes, check sizes, shapes and ranges, and prove canonical form by re-encoding
 * (see msgpack.ts), so two nodes never disagree about what bytes mean. The only error a
 * decoder throws is DecodeError. Golden vectors: test/fixtures/codec; properties:
 * test/unit/codec.
 */
export * from './errors.js';
export * from './msgpack.js';
export * from './read.js';
export * from './domains.js';
export * from './payload.js';
export * from './tx.js';
export * from './block.js';
export * from './genesis.js';
export * from './sync.js';
export * from './consensus.js';
export * from './batch.js';
