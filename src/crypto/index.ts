/**
 * Hashing, signatures, key files and Merkle commitments.
 *
 * - hash.ts: sha256 (node:crypto; agrees with @noble/hashes, tested).
 * - ed25519.ts: sign/verify on node:crypto with a strict RFC 8032 encoding policy shared with
 *   the @noble/curves reference path, KeyObject cache per signer.
 * - tx.ts: transaction signing, hashing and admission (signature checked once per node).
 * - merkle.ts: RFC 6962 tree for transaction and receipt roots, inclusion proofs.
 * - smt.ts: the authenticated state tree with membership and non-membership proofs.
 * Every verifier here runs without a database: an auditor needs only roots and proofs.
 * Tests: test/unit/crypto.
 */
export * from './hash.js';
export * from './ed25519.js';
export * from './keys.js';
export * from './tx.js';
export * from './merkle.js';
export * from './smt.js';
export * from './certs.js';
