import { pino, type Logger } from 'pino';

/** Module names used for child loggers (one per module, docs/conventions.md Logging). */
export type LogModule = 'node' | 'consensus' | 'p2p' | 'api' | 'storage' | 'sync' | 'mempool' | 'chain';

/**
 * The node's one root logger (JSON lines on stdout). Modules get `root.child({module})`.
 * Messages are constant strings; variables go in the object.
 */
export function createRootLogger(opts: { level: string; node: string }): Logger {
  return pino({ level: opts.level, base: { node: opts.node }, timestamp: pino.stdTimeFunctions.isoTime });
}

/** A child logger for one module. */
export function moduleLogger(root: Logger, module: LogModule): Logger {
  return root.child({ module });
}
