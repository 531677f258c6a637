import type { ApiDeps } from '../deps.js';
import type { BlockEventStream } from '../event-stream.js';

/** Options every route plugin is registered with. */
export interface RouteOptions {
  readonly deps: ApiDeps;
}

/** Options of the events plugin: the shared feed as well. */
export interface EventRouteOptions extends RouteOptions {
  readonly stream: BlockEventStream;
}
