import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CORE = join(import.meta.dirname, '../../../src/consensus/core');
const FORBIDDEN = [/Date\.now/, /performance\.now/, /Math\.random/, /setTimeout/, /setInterval/, /\bprocess\./, /randomBytes/, /from 'node:/, /from '(libp2p|level|fastify|pino|prom-client)/];

describe('consensus core purity', () => {
  it('uses no clock, randomness, timers, process state or I/O modules', () => {
    // docs/protocol.md R22: the core is a pure state machine; the same events give the same outputs
    const files = readdirSync(CORE).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const text = readFileSync(join(CORE, f), 'utf8');
      for (const re of FORBIDDEN) expect(re.test(text), `${f} matches ${re}`).toBe(false);
    }
  });
});
