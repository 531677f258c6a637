/**
 * A Node builtin module when running under Node (>= 20.16), or null (a browser). Modules that
 * use node:crypto or Buffer only as fast paths take it from here instead of a static import,
 * so the SDK's verifiers also load in a browser bundle (src/client/verifiers.ts).
 */
export function nodeBuiltin<T>(name: string): T | null {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return (p?.getBuiltinModule?.(name) as T | undefined) ?? null;
}
