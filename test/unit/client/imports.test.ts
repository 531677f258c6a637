import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

// src/client is shipped to integrators and used by the CLI: it must not pull in the server.
const ALLOWED = /^(\.\/|\.\.\/(codec|crypto|types|util)\/)/;
const dir = join(import.meta.dirname, '../../../src/client');

describe('src/client dependencies', () => {
  test('imports only codec, crypto, types, util and its own files', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const src = readFileSync(join(dir, f), 'utf8');
      for (const m of src.matchAll(/(?:import|export)[^'"]*?from\s+'([^']+)'/g)) {
        const spec = m[1] as string;
        expect(ALLOWED.test(spec) || spec.startsWith('node:'), `${f} imports ${spec}`).toBe(true);
      }
    }
  });
});
