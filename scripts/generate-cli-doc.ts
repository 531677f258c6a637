// Rewrites the command table and the help sections of docs/cli.md from the commands
// themselves, so the document always says what `ledger <command> --help` says. Run after
// changing a command: npx tsx scripts/generate-cli-doc.ts (test/unit/cli/cli-doc.test.ts
// fails while the document is out of date).
import { readFileSync, writeFileSync } from 'node:fs';
import { COMMANDS } from '../src/cli/commands/index.js';

const FILE = 'docs/cli.md';
const TABLE_START = '| command | what it does |';
const TAIL_START = '## Typical use';

/** The generated middle of docs/cli.md: the table and one section per command. */
export function cliDocBody(): string {
  const table = [TABLE_START, '|---|---|', ...COMMANDS.map((c) => `| \`ledger ${c.name}\` | ${c.summary} |`)].join('\n');
  const sections = COMMANDS.map((c) => `## ledger ${c.name}\n\n\`\`\`\n${c.help}\n\`\`\``).join('\n\n');
  return `${table}\n\n${sections}\n\n`;
}

const doc = readFileSync(FILE, 'utf8');
const head = doc.slice(0, doc.indexOf(TABLE_START));
const tail = doc.slice(doc.indexOf(TAIL_START));
if (head.length === 0 || !doc.includes(TAIL_START)) throw new Error(`${FILE}: markers "${TABLE_START}" / "${TAIL_START}" not found`);
writeFileSync(FILE, head + cliDocBody() + tail);
console.log(`${FILE}: ${COMMANDS.length} commands`);
