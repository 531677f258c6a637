/**
 * A reader for the subset of YAML that docker/compose.yml and docker/member.compose.yml keep
 * to, so their tests need no YAML library: block maps and block lists of scalars indented by
 * spaces, plain or quoted scalars, `#` comments, and compose's `${VAR}` / `${VAR:-default}`
 * interpolation. Anything else (anchors, flow collections, multi-line strings, tabs) throws
 * ComposeSubsetError naming the line, so the compose files cannot drift out of the subset
 * without the tests saying so.
 */

/** A parsed value: a scalar string, a list, a map, or null for an empty entry (`key:`). */
export type ComposeValue = string | null | readonly ComposeValue[] | { readonly [key: string]: ComposeValue };

/** The file left the supported subset, or a value has the wrong shape. */
export class ComposeSubsetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ComposeSubsetError';
  }
}

interface Line {
  readonly no: number;
  readonly indent: number;
  readonly text: string;
}

function stripComment(raw: string): string {
  let quote: string | null = null;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || raw[i - 1] === ' ')) {
      return raw.slice(0, i);
    }
  }
  return raw;
}

/** Replaces `${VAR}` and `${VAR:-default}` as compose does (unset or empty takes the default). */
export function interpolate(s: string, env: Readonly<Record<string, string | undefined>>): string {
  return s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, dflt: string | undefined) => {
    const v = env[name];
    return v !== undefined && v !== '' ? v : (dflt ?? '');
  });
}

function scalar(text: string, line: Line, env: Readonly<Record<string, string | undefined>>): string {
  const t = text.trim();
  if (/^[&*!|>{[]/.test(t)) throw new ComposeSubsetError(`line ${line.no}: "${t}" is outside the supported YAML subset`);
  let s = t;
  const q = t[0];
  if (q === '"' || q === "'") {
    if (t.length < 2 || t[t.length - 1] !== q || t.slice(1, -1).includes(q)) throw new ComposeSubsetError(`line ${line.no}: bad quoted string ${t}`);
    s = t.slice(1, -1);
  }
  return interpolate(s, env);
}

/** Parses text in the subset; `env` feeds interpolation. */
export function parseComposeSubset(text: string, env: Readonly<Record<string, string | undefined>> = {}): ComposeValue {
  const lines: Line[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.includes('\t')) throw new ComposeSubsetError(`line ${i + 1}: tab character`);
    const body = stripComment(raw).trimEnd();
    if (body.trim() === '') return;
    if (body.trim() === '---' || body.trim() === '...') throw new ComposeSubsetError(`line ${i + 1}: multi-document YAML`);
    lines.push({ no: i + 1, indent: body.length - body.trimStart().length, text: body.trim() });
  });
  let pos = 0;

  const block = (indent: number): ComposeValue => {
    const first = lines[pos];
    if (first === undefined) return null;
    if (first.text.startsWith('- ') || first.text === '-') {
      const items: ComposeValue[] = [];
      for (let l = lines[pos]; l !== undefined && l.indent === indent && l.text.startsWith('- '); l = lines[pos]) {
        items.push(scalar(l.text.slice(2), l, env));
        pos++;
      }
      return items;
    }
    const map: Record<string, ComposeValue> = {};
    for (let l = lines[pos]; l !== undefined && l.indent === indent; l = lines[pos]) {
      const m = /^([^\s:'"#][^:]*?|"[^"]+"):(?:\s+(.*))?$/.exec(l.text);
      if (m === null || m[1] === undefined) throw new ComposeSubsetError(`line ${l.no}: expected "key: value" or "key:", got "${l.text}"`);
      const key = m[1].replace(/^"|"$/g, '');
      if (Object.prototype.hasOwnProperty.call(map, key)) throw new ComposeSubsetError(`line ${l.no}: duplicate key ${key}`);
      pos++;
      if (m[2] !== undefined && m[2] !== '') {
        map[key] = scalar(m[2], l, env);
      } else {
        const next = lines[pos];
        map[key] = next !== undefined && next.indent > indent ? block(next.indent) : null;
      }
    }
    const stray = lines[pos];
    if (stray !== undefined && stray.indent > indent) throw new ComposeSubsetError(`line ${stray.no}: unexpected indentation`);
    return map;
  };

  const root = block(0);
  const left = lines[pos];
  if (left !== undefined) throw new ComposeSubsetError(`line ${left.no}: unexpected "${left.text}"`);
  return root;
}

/** The value as a map; throws naming `path` otherwise. */
export function asMap(v: ComposeValue | undefined, path: string): { readonly [key: string]: ComposeValue } {
  if (v === null || v === undefined || typeof v === 'string' || Array.isArray(v)) throw new ComposeSubsetError(`${path}: expected a map`);
  return v as { readonly [key: string]: ComposeValue };
}

/** The value as a list of strings; throws naming `path` otherwise. */
export function asStrings(v: ComposeValue | undefined, path: string): readonly string[] {
  if (!Array.isArray(v) || !v.every((x): x is string => typeof x === 'string')) throw new ComposeSubsetError(`${path}: expected a list of strings`);
  return v;
}

/** The value as a string; throws naming `path` otherwise. */
export function asString(v: ComposeValue | undefined, path: string): string {
  if (typeof v !== 'string') throw new ComposeSubsetError(`${path}: expected a string`);
  return v;
}
