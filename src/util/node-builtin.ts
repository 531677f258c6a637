/**
 * A Node builtin module when running under Node (>= 20.16), or null (a browser). Modules that
 * use node:crypto or Buffer only as fast paths take it from here instead of a static import,
 * so the SDK's verifiers also load in a browser bundle (src/client/verifiers.ts). An older Node
 * fails loudly rather than silently taking the ~100x slower pure-JS paths.
 */
export function nodeBuiltin<T>(name: string): T | null {
  const p = (globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } }).process;
  if (p?.versions?.node === undefined) return null;
  if (p.getBuiltinModule === undefined) throw new Error(`Node ${p.versions.node} lacks process.getBuiltinModule: Node >= 20.16 is required`);
  return (p.getBuiltinModule(name) as T | undefined) ?? null;
}
