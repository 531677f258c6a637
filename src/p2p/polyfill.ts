// libp2p 3 calls Promise.withResolvers (ES2024), which Node 20 lacks: without this the first
// dial rejects with "Promise.withResolvers is not a function" (docs/measurements.md). Every module of
// src/p2p that imports libp2p imports this file first, so the order of ES module evaluation
// guarantees the polyfill is installed before any libp2p code runs.

/** The shape Promise.withResolvers returns (ES2024). */
interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

/** Installs Promise.withResolvers when the runtime lacks it; returns true when it did. */
export function installPromisePolyfill(): boolean {
  const P = Promise as PromiseConstructor & { withResolvers?: unknown };
  if (typeof P.withResolvers === 'function') return false;
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>(this: PromiseConstructor): Resolvers<T> {
      let resolve!: Resolvers<T>['resolve'];
      let reject!: Resolvers<T>['reject'];
      const promise = new this<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
  return true;
}

installPromisePolyfill();
