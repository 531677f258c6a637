import { OperationalError } from '../util/errors.js';

/** Why storage refused to work. Every message carries the action the operator should take. */
export type StorageErrorCode =
  /** Another process holds the LevelDB lock on the data directory. */
  | 'STORAGE_LOCKED'
  /** The data directory cannot be opened as a LevelDB (not one, unreadable, or a file). */
  | 'STORAGE_OPEN_FAILED'
  /** A write failed (disk full, I/O error). */
  | 'STORAGE_WRITE_FAILED'
  /** A read failed at the LevelDB level. */
  | 'STORAGE_READ_FAILED'
  /** The store was used before start() or after stop() (including mid-iteration). */
  | 'STORAGE_STOPPED'
  /** A stored value does not decode: the directory is damaged. */
  | 'STORAGE_CORRUPT'
  /** The directory belongs to another chain (genesis hash or chain id differ). */
  | 'CHAIN_MISMATCH'
  /** checkChain found no chain identity: the directory was never initialised. */
  | 'CHAIN_NOT_INITIALISED'
  /** The directory was written by an incompatible storage layout version. */
  | 'SCHEMA_MISMATCH';

/** Operational failure of the storage layer (docs/conventions.md, Errors kind 3). */
export class StorageError extends OperationalError {
  declare readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string, fields: Record<string, unknown> = {}) {
    super(code, message, fields);
    this.name = 'StorageError';
  }
}

/** The error every reader returns for a value that no longer decodes. */
export function corruptAt(what: string, location: string, cause: unknown): StorageError {
  return new StorageError(
    'STORAGE_CORRUPT',
    `data directory corrupt at ${what} (${location}); restore from backup or resync`,
    { what, location, cause: cause instanceof Error ? cause.message : String(cause) },
  );
}

/** Thrown by a KvStore used while stopped. */
export function storageStopped(location: string): StorageError {
  return new StorageError('STORAGE_STOPPED', `storage at ${location} is not open; start it before use`, { location });
}
