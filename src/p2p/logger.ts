/**
 * The subset of a pino logger this module uses (docs/conventions.md, Logging): constant messages,
 * variables in the object. node/ passes `root.child({module: 'p2p'})`.
 */
export interface P2pLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Discards everything; the default when no logger is given. */
export const NOOP_LOGGER: P2pLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
};
