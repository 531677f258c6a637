import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// docs/conventions.md "Dependency rules", enforced by parsing every file in src/ with the
// TypeScript parser: static imports and `export ... from` (type-only ones too), dynamic
// import(), require() and import('x') types. Pure modules (consensus/core, state/**) are
// also searched for wall-clock, timer, randomness and process access outside comments and
// strings. An arrow not listed here is forbidden; change a rule only together with
// docs/conventions.md.

type ModuleId =
  | 'types' | 'util' | 'codec' | 'crypto' | 'consensus/core' | 'consensus/runtime' | 'consensus/sim'
  | 'state' | 'state/mempool' | 'storage' | 'p2p' | 'sync' | 'api' | 'node' | 'cli' | 'client' | 'console';

// Longest prefix first, so src/state/mempool/x.ts is state/mempool, not state.
const MODULES: readonly ModuleId[] = [
  'consensus/core', 'consensus/runtime', 'consensus/sim', 'state/mempool', 'state', 'types', 'util', 'codec',
  'crypto', 'storage', 'p2p', 'sync', 'api', 'node', 'cli', 'client', 'console',
];

/** What a module may import from npm and node: null = anything. */
type ExternalPolicy = { allow: readonly string[] } | { deny: readonly string[] } | null;

interface Rule {
  readonly internal: readonly ModuleId[] | 'any';
  readonly external: ExternalPolicy;
  /** Deterministic modules: no clock, timers, randomness or process. */
  readonly pure: boolean;
}

// Packages that do I/O or belong to the server side; `node:*` stands for every builtin.
const SERVER = ['node:*', 'libp2p', '@libp2p/*', '@chainsafe/*', '@multiformats/*', 'level', 'classic-level', 'abstract-level', 'fastify', '@fastify/*', 'pino', 'prom-client'];
const IO_FREE = { deny: SERVER };
const SERVER_PACKAGES = { deny: SERVER.filter((p) => p !== 'node:*') };
const STATE: ModuleId[] = ['state', 'state/mempool'];
const BASE: ModuleId[] = ['types', 'util', 'codec', 'crypto'];

const RULES: Readonly<Record<ModuleId, Rule>> = {
  types: { internal: ['types'], external: { allow: [] }, pure: false },
  util: { internal: ['util', 'types'], external: { allow: [] }, pure: false },
  codec: { internal: ['codec', 'types', 'util'], external: { allow: ['msgpackr'] }, pure: false },
  crypto: { internal: ['crypto', 'types', 'codec', 'util'], external: { allow: ['@noble/*', 'node:crypto'] }, pure: false },
  'consensus/core': { internal: ['consensus/core', ...BASE], external: IO_FREE, pure: true },
  state: { internal: [...STATE, ...BASE], external: IO_FREE, pure: true },
  // The mempool's time comes through types' Clock, so it is as pure as the rest of state.
  'state/mempool': { internal: [...STATE, ...BASE], external: IO_FREE, pure: true },
  // Beyond docs/conventions.md: the simulator drives the real runtime (persist -> send -> timer ->
  // requests -> committed) over fake edges; the runtime touches the world only through the
  // Clock/Transport/store interfaces it is given, so the simulation stays deterministic.
  // It also runs the production chain and block sync of every simulated node (node/chain.ts
  // only: the rest of node is the composition root over libp2p, LevelDB and HTTP).
  'consensus/sim': { internal: ['consensus/sim', 'consensus/core', 'consensus/runtime', ...STATE, 'storage', 'sync', 'node', ...BASE], external: SERVER_PACKAGES, pure: false },
  'consensus/runtime': { internal: ['consensus/runtime', 'consensus/core', ...STATE, 'storage', ...BASE], external: null, pure: false },
  sync: { internal: ['sync', ...STATE, 'storage', ...BASE], external: null, pure: false },
  storage: { internal: ['storage', ...STATE, ...BASE], external: null, pure: false },
  p2p: { internal: ['p2p', ...STATE, ...BASE], external: null, pure: false },
  api: { internal: ['api', ...STATE, 'storage', ...BASE], external: null, pure: false },
  node: { internal: 'any', external: null, pure: false },
  cli: { internal: ['cli', 'node', 'client', 'api', 'consensus/sim', 'storage', ...STATE, ...BASE], external: null, pure: false },
  client: { internal: ['client', ...BASE], external: SERVER_PACKAGES, pure: false },
  // The browser console: the SDK and what it stands on, Preact, and @noble for its browser
  // versions of node:crypto; no builtin, since a browser has none.
  console: { internal: ['console', 'client', ...BASE], external: { allow: ['preact', 'preact/*', '@noble/*'] }, pure: false },
};

/**
 * Known violations awaiting a fix by their owner, each with the reason it is tolerated. The
 * test fails when an entry no longer matches anything, so the list can only shrink.
 */
const KNOWN_VIOLATIONS: readonly { readonly file: string; readonly import: string; readonly reason: string }[] = [];

const PURE_CALLS = new Set(['Date.now', 'performance.now', 'Math.random']);
const PURE_IDENTIFIERS = new Set(['setTimeout', 'setInterval', 'setImmediate', 'randomBytes', 'randomUUID', 'getRandomValues']);
const NODE_BUILTINS = new Set(builtinModules);

/** One broken rule: the file, what it imports or uses, and why that is forbidden. */
interface Violation {
  readonly file: string;
  readonly line: number;
  readonly what: string;
  readonly why: string;
}

function moduleOf(srcPath: string): ModuleId | null {
  return MODULES.find((m) => srcPath === `src/${m}` || srcPath.startsWith(`src/${m}/`)) ?? null;
}

/** Package name or `node:<name>` for a bare specifier. */
function packageOf(spec: string): string {
  if (spec.startsWith('node:')) return `node:${spec.slice(5).split('/')[0]}`;
  const parts = spec.split('/');
  const name = spec.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
  return NODE_BUILTINS.has(name) ? `node:${name}` : name;
}

function matches(pkg: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => p === pkg || (p.endsWith('/*') && pkg.startsWith(p.slice(0, -1))) || (p === 'node:*' && pkg.startsWith('node:')));
}

function checkExternal(file: string, mod: ModuleId, spec: string): string | null {
  const pkg = packageOf(spec);
  if (pkg === 'msgpackr' && mod !== 'codec') return 'only src/codec may import msgpackr';
  // keys.ts reads and writes key files; no other crypto file touches the disk.
  if (file === 'src/crypto/keys.ts' && pkg === 'node:fs') return spec === 'node:fs/promises' ? null : 'crypto/keys.ts may use node:fs/promises only';
  const policy = RULES[mod].external;
  if (policy === null) return null;
  if ('allow' in policy) return matches(pkg, policy.allow) ? null : `${mod} may import only ${policy.allow.join(', ') || 'nothing external'}`;
  return matches(pkg, policy.deny) ? `${mod} must not import ${pkg}` : null;
}

function checkInternal(file: string, mod: ModuleId, spec: string): string | null {
  const target = posix.normalize(posix.join(posix.dirname(file), spec));
  const rule = RULES[mod].internal;
  if (!target.startsWith('src/')) return rule === 'any' || mod === 'cli' ? null : 'imports from outside src/';
  const to = moduleOf(target);
  if (to === null) return `imports ${target}, which is outside the module map`;
  if (rule !== 'any' && !rule.includes(to)) return `${mod} must not import ${to}`;
  // The simulator runs on in-memory storage only (docs/conventions.md: memory implementations only).
  if (mod === 'consensus/sim' && to === 'storage' && !/^(?:memory[-.]|block-store\.)/.test(posix.basename(target))) {
    return 'consensus/sim may import only memory implementations (and the BlockStore over them) from storage';
  }
  if (mod === 'consensus/sim' && to === 'node' && target !== 'src/node/chain.js') {
    return 'consensus/sim may import only the chain (node/chain.ts) from node';
  }
  return null;
}

interface Use { readonly spec: string | null; readonly line: number; readonly what: string }

/** Every module reference and every pure-module hazard in one source file. */
function scan(file: string, text: string): { imports: Use[]; hazards: Use[] } {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const imports: Use[] = [];
  const hazards: Use[] = [];
  const lineOf = (n: ts.Node): number => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const literal = (n: ts.Node | undefined): string | null =>
    n !== undefined && (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) ? n.text : null;
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier !== undefined) {
      imports.push({ spec: literal(n.moduleSpecifier), line: lineOf(n), what: n.getText(sf).split('\n')[0] ?? '' });
    } else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference)) {
      imports.push({ spec: literal(n.moduleReference.expression), line: lineOf(n), what: 'import = require()' });
    } else if (ts.isCallExpression(n) && (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === 'require'))) {
      imports.push({ spec: literal(n.arguments[0]), line: lineOf(n), what: n.getText(sf).slice(0, 80) });
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) {
      imports.push({ spec: literal(n.argument.literal), line: lineOf(n), what: n.getText(sf).slice(0, 80) });
    } else if (ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) {
      const obj = n.expression.getText(sf);
      const prop = ts.isPropertyAccessExpression(n) ? n.name.text : null;
      if (obj === 'process' || obj === 'globalThis.process') hazards.push({ spec: null, line: lineOf(n), what: 'process.' });
      else if (prop !== null && PURE_CALLS.has(`${obj}.${prop}`)) hazards.push({ spec: null, line: lineOf(n), what: `${obj}.${prop}` });
    } else if (ts.isIdentifier(n) && PURE_IDENTIFIERS.has(n.text)) {
      hazards.push({ spec: null, line: lineOf(n), what: n.text });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return { imports, hazards };
}

/** Checks files (path relative to the repository, e.g. src/codec/tx.ts, mapped to source text). */
function checkArchitecture(files: ReadonlyMap<string, string>): Violation[] {
  const out: Violation[] = [];
  for (const [file, text] of files) {
    const mod = moduleOf(file);
    if (mod === null) {
      out.push({ file, line: 1, what: file, why: 'file is outside the module map (add its folder to the rules and docs/conventions.md)' });
      continue;
    }
    const { imports, hazards } = scan(file, text);
    for (const u of imports) {
      let why: string | null;
      if (u.spec === null) why = RULES[mod].internal === 'any' ? null : 'dynamic import with a computed specifier cannot be checked';
      else why = u.spec.startsWith('.') ? checkInternal(file, mod, u.spec) : checkExternal(file, mod, u.spec);
      if (why !== null) out.push({ file, line: u.line, what: u.what, why });
    }
    if (RULES[mod].pure) {
      for (const h of hazards) out.push({ file, line: h.line, what: h.what, why: `${mod} must stay deterministic: no clock, timers, randomness or process` });
    }
  }
  return out;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function sourceFiles(dir: string): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(?:[cm]?ts|tsx|[cm]?js)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

const format = (v: Violation): string => `${v.file}:${v.line}: ${v.what}\n    -> ${v.why}`;

describe('architecture: dependency rules (docs/conventions.md)', () => {
  it('every file in src/ follows the rules', () => {
    const files = new Map(sourceFiles(join(ROOT, 'src')).map((p) => [relative(ROOT, p).split(sep).join('/'), readFileSync(p, 'utf8')]));
    const all = checkArchitecture(files);
    const known = (v: Violation): boolean => KNOWN_VIOLATIONS.some((k) => k.file === v.file && v.what.includes(`'${k.import}'`));
    const violations = all.filter((v) => !known(v));
    expect(violations.map(format).join('\n'), `${violations.length} violation(s)`).toBe('');
    const stale = KNOWN_VIOLATIONS.filter((k) => !all.some((v) => v.file === k.file && v.what.includes(`'${k.import}'`)));
    expect(stale, 'fixed: remove these from KNOWN_VIOLATIONS').toEqual([]);
  });

  it('self-test: a clean fake tree and an empty tree pass', () => {
    expect(checkArchitecture(new Map())).toEqual([]);
    expect(checkArchitecture(new Map([
      ['src/consensus/core/ok.ts', "import type { Block } from '../../types/index.js';\nimport { sha256 } from '../../crypto/hash.js';\n// Date.now() and setTimeout in a comment are fine\nconst s = 'process.exit and Math.random() in a string';\nexport { s };\n"],
      ['src/crypto/keys.ts', "import { readFile } from 'node:fs/promises';\nimport { ed25519 } from '@noble/curves/ed25519.js';\n"],
      ['src/codec/msgpack.ts', "import { Packr } from 'msgpackr';\n"],
      ['src/consensus/sim/net.ts', "import { MemoryKv } from '../../storage/memory-kv.js';\nimport { step } from '../core/core.js';\nimport { LedgerChain } from '../../node/chain.js';\nimport { BlockSync } from '../../sync/block-sync.js';\n"],
      ['src/node/main.ts', "import { x } from '../p2p/host.js';\nconst m = await import(process.argv[2] ?? 'x');\n"],
    ]))).toEqual([]);
  });

  it('self-test: planted violations are each reported with file and import', () => {
    const planted = new Map([
      ['src/consensus/core/bad.ts', [
        "import { loop } from '../runtime/loop.js';",
        "import { readFileSync } from 'node:fs';",
        "export * from '../../p2p/host.js';",
        'const t = Date.now();',
        "const r = Math.random(); setTimeout(() => r, 1); const e = process.env['X'];",
        "const m = await import('fastify');",
        'type P = import("../../storage/level-kv.js").LevelKv;',
      ].join('\n')],
      ['src/api/bad.ts', "import { Packr } from 'msgpackr';\nimport type { Host } from '../p2p/host.js';\nconst x = await import(name);"],
      ['src/crypto/hash.ts', "import { readFile } from 'node:fs/promises';"],
      ['src/types/bad.ts', "import { toHex } from '../util/bytes.js';"],
      ['src/consensus/sim/bad.ts', "import { LevelKv } from '../../storage/level-kv.js';\nimport { LedgerNode } from '../../node/node.js';"],
      ['src/state/mempool/bad.ts', "import { randomBytes } from 'node:crypto';"],
      ['src/metrics/x.ts', ''],
    ]);
    const found = checkArchitecture(planted).map((v) => `${v.file}:${v.line} ${v.what} | ${v.why}`);
    const expected: [string, RegExp][] = [
      ['src/consensus/core/bad.ts:1', /runtime\/loop\.js.*must not import consensus\/runtime/],
      ['src/consensus/core/bad.ts:2', /node:fs.*must not import node:fs/],
      ['src/consensus/core/bad.ts:3', /p2p\/host\.js.*must not import p2p/],
      ['src/consensus/core/bad.ts:4', /Date\.now \| .*deterministic/],
      ['src/consensus/core/bad.ts:5', /Math\.random/],
      ['src/consensus/core/bad.ts:5', /setTimeout/],
      ['src/consensus/core/bad.ts:5', /process\./],
      ['src/consensus/core/bad.ts:6', /import\('fastify'\).*must not import fastify/],
      ['src/consensus/core/bad.ts:7', /level-kv.*must not import storage/],
      ['src/api/bad.ts:1', /msgpackr.*only src\/codec/],
      ['src/api/bad.ts:2', /p2p\/host.*api must not import p2p/],
      ['src/api/bad.ts:3', /computed specifier/],
      ['src/crypto/hash.ts:1', /node:fs\/promises.*crypto may import only/],
      ['src/types/bad.ts:1', /types must not import util/],
      ['src/consensus/sim/bad.ts:1', /memory implementations/],
      ['src/consensus/sim/bad.ts:2', /only the chain/],
      ['src/state/mempool/bad.ts:1', /randomBytes.*deterministic|must not import node:crypto/],
      ['src/metrics/x.ts:1', /outside the module map/],
    ];
    for (const [at, re] of expected) {
      expect(found.some((f) => f.startsWith(`${at} `) && re.test(f)), `expected ${at} ${re} in:\n${found.join('\n')}`).toBe(true);
    }
    expect(found.filter((f) => f.includes('comment') || f.includes('in a string'))).toEqual([]);
  });
});
