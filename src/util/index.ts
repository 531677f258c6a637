/**
 * Small, dependency-free helpers used everywhere: typed errors and invariants, Result, bytes
 * and hex. Nothing here does I/O. Covered by test/unit/util.
 */
export * from './errors.js';
export * from './result.js';
export * from './bytes.js';
