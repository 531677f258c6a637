import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/cli/commands/index.js';

// docs/cli.md is the CLI's written contract: it must reproduce every command's --help text.
// When this fails, run: npx tsx scripts/generate-cli-doc.ts
describe('docs/cli.md', () => {
  const doc = readFileSync('docs/cli.md', 'utf8');
  for (const c of COMMANDS) {
    it(`reproduces ledger ${c.name} --help and lists it`, () => {
      expect(doc).toContain(`| \`ledger ${c.name}\` | ${c.summary} |`);
      expect(doc).toContain(`## ledger ${c.name}\n\n\`\`\`\n${c.help}\n\`\`\``);
    });
  }
});
