import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeCommittedBlock, encodeCommittedBlock, genesisFromJson, genesisToJson } from '../../../src/codec/index.js';
import { fromHex, toHex } from '../../../src/util/bytes.js';
import { GOLDEN_SUITES, fromJsonValue, toJsonValue } from './golden-suites.js';

// Golden vectors (docs/conventions.md, Codec): test/fixtures/codec/<type>.json holds input and
// expected hex for every wire type. A failure here means the wire format changed. If that is
// on purpose, regenerate with
//   UPDATE_GOLDEN=1 npx vitest run test/unit/codec/golden.test.ts
// and commit the diff only if you understand it, with the reason in the commit message:
// every node and every client must change in lockstep (etcd raft's warning for its traces).

const DIR = fileURLToPath(new URL('../../fixtures/codec/', import.meta.url));
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const WARNING = 'Generated from test/unit/codec/golden-suites.ts. Change only on purpose, with the reason in the commit message; regenerate with UPDATE_GOLDEN=1 npx vitest run test/unit/codec/golden.test.ts';

interface FixtureVector { readonly name: string; readonly input: unknown; readonly hex: string }
interface Fixture { readonly description: string; readonly warning: string; readonly vectors: readonly FixtureVector[] }

function expectedFixture(s: (typeof GOLDEN_SUITES)[number]): Fixture {
  return {
    description: s.description,
    warning: WARNING,
    vectors: s.vectors.map((v) => ({ name: v.name, input: toJsonValue(v.value), hex: toHex(s.encode(v.value)) })),
  };
}

if (UPDATE) {
  mkdirSync(DIR, { recursive: true });
  for (const s of GOLDEN_SUITES) writeFileSync(`${DIR}${s.file}.json`, JSON.stringify(expectedFixture(s), null, 2) + '\n');
}

function loadFixture(file: string): Fixture {
  return JSON.parse(readFileSync(`${DIR}${file}.json`, 'utf8')) as Fixture;
}

function bytesOf(hex: string): Uint8Array {
  const b = fromHex(hex);
  if (b === null) throw new Error(`fixture hex is not hex: ${hex.slice(0, 20)}`);
  return b;
}

describe.each(GOLDEN_SUITES.map((s) => [s.file, s] as const))('golden %s', (file, s) => {
  const fixture = loadFixture(file);

  it('fixture inputs match golden-suites.ts (else regenerate with UPDATE_GOLDEN=1)', () => {
    const expected = expectedFixture(s);
    expect(fixture.vectors.map((v) => ({ name: v.name, input: v.input }))).toEqual(
      expected.vectors.map((v) => ({ name: v.name, input: v.input })),
    );
  });

  it.each(fixture.vectors.map((v) => [v.name, v] as const))('%s: encode(input) equals the expected hex', (_name, v) => {
    expect(toHex(s.encode(fromJsonValue(v.input) as never))).toBe(v.hex);
  });

  const decode = s.decode;
  if (decode !== null) {
    it.each(fixture.vectors.map((v) => [v.name, v] as const))('%s: decode(hex) gives the input and re-encodes to the same bytes', (_name, v) => {
      const decoded = decode(bytesOf(v.hex));
      expect(toJsonValue(decoded)).toEqual(v.input);
      expect(toHex(s.encode(decoded))).toBe(v.hex);
    });
  }
});

describe('golden special cases', () => {
  it('genesis JSON round-trips through genesisFromJson / genesisToJson', () => {
    for (const v of loadFixture('genesis').vectors) expect(genesisToJson(genesisFromJson(v.input)), v.name).toEqual(v.input);
  });

  it('committed blocks decode the same on the trusted (own disk) path', () => {
    for (const v of loadFixture('committed-block').vectors) {
      const trusted = decodeCommittedBlock(bytesOf(v.hex), { trusted: true });
      expect(toJsonValue(trusted), v.name).toEqual(v.input);
      expect(toHex(encodeCommittedBlock(trusted)), v.name).toBe(v.hex);
    }
  });

  it('covers every wire type the brief lists', () => {
    expect(GOLDEN_SUITES.map((s) => s.file)).toEqual(expect.arrayContaining([
      'tx-body', 'tx-envelope', 'receipt', 'vote-data', 'quorum-cert', 'timeout-cert', 'header', 'block', 'committed-block', 'genesis',
    ]));
    const header = loadFixture('header').vectors.map((v) => (v.input as { parentQc: unknown }).parentQc === null);
    expect(header, 'header vectors with and without parentQc').toEqual(expect.arrayContaining([true, false]));
  });
});
