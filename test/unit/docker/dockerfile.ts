/**
 * A small reader of Dockerfile instructions for test/unit/docker: comments dropped, `\`
 * continuations joined, instructions grouped into build stages (one per FROM).
 */

/** One instruction: upper-case keyword and the rest of its line(s), continuations joined. */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** One build stage: its FROM argument, optional `AS` name and instructions after FROM. */
export interface Stage {
  readonly from: string;
  readonly name: string | null;
  readonly instructions: readonly Instruction[];
}

/** A parsed Dockerfile: instructions before the first FROM (ARGs) and the stages. */
export interface Dockerfile {
  readonly preamble: readonly Instruction[];
  readonly stages: readonly Stage[];
}

/** Parses Dockerfile text; throws on a line that is not an instruction. */
export function parseDockerfile(text: string): Dockerfile {
  const joined: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (current !== '' && line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    joined.push(current + line);
    current = '';
  }
  if (current !== '') joined.push(current);
  const preamble: Instruction[] = [];
  const stages: { from: string; name: string | null; instructions: Instruction[] }[] = [];
  for (const line of joined) {
    const m = /^([A-Za-z]+)\s+(.*)$/.exec(line);
    if (m === null || m[1] === undefined || m[2] === undefined) throw new Error(`not a Dockerfile instruction: ${line}`);
    const ins = { keyword: m[1].toUpperCase(), args: m[2].trim() };
    if (ins.keyword === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (f === null || f[1] === undefined) throw new Error(`bad FROM: ${ins.args}`);
      stages.push({ from: f[1], name: f[2] ?? null, instructions: [] });
    } else {
      const stage = stages[stages.length - 1];
      if (stage === undefined) preamble.push(ins);
      else stage.instructions.push(ins);
    }
  }
  return { preamble, stages };
}

/** The instructions of a stage with this keyword. */
export function instructionsOf(stage: Stage, keyword: string): readonly Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

/** ENV pairs of a stage (KEY=VALUE form, several per instruction). */
export function envOf(stage: Stage): ReadonlyMap<string, string> {
  const env = new Map<string, string>();
  for (const ins of instructionsOf(stage, 'ENV')) {
    for (const m of ins.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g)) {
      if (m[1] !== undefined && m[2] !== undefined) env.set(m[1], m[2].replace(/^"|"$/g, ''));
    }
  }
  return env;
}

/** The JSON array of an exec-form instruction (ENTRYPOINT, CMD, VOLUME), or null for shell form. */
export function execForm(args: string): readonly string[] | null {
  if (!args.startsWith('[')) return null;
  const v: unknown = JSON.parse(args);
  return Array.isArray(v) && v.every((x): x is string => typeof x === 'string') ? v : null;
}
