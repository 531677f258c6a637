import { readdirSync, readFileSync } from 'node:fs';
import { Value } from 'typebox/value';
import { describe, expect, expectTypeOf, test } from 'vitest';
import { TX_PAYLOAD_SCHEMAS, TX_REJECTIONS, type PayloadOf } from '../../../src/api/schemas/tx-payloads.js';
import { TX_TYPES, type TxPayloads } from '../../../src/client/tx-payloads.js';
import { payloadProblem, TX_TYPES as CONTRACT_TYPES } from '../../../src/state/contracts/registry.js';
import type { Payload } from '../../../src/types/primitives.js';

// The payload schemas (OpenAPI, and the check at submit) against the contracts' validators
// (the authority): the schema must accept everything a contract accepts, or a valid
// transaction would be refused over HTTP; it refuses what the contract refuses except the
// few value rules a schema cannot say (GAPS).

const VECTORS = 'test/fixtures/vectors';
const vectors = readdirSync(VECTORS).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(`${VECTORS}/${f}`, 'utf8')) as { type: string; envelope: { payload: Payload } });

const schemaOk = (type: string, p: unknown): boolean => Value.Check(TX_PAYLOAD_SCHEMAS[type as keyof typeof TX_PAYLOAD_SCHEMAS], p);
const contractOk = (type: string, p: Payload): boolean => payloadProblem(type, p) === null;

const ODD: readonly unknown[] = [null, true, 0, -1, 1.5, 2 ** 53, '', ' ', '0', '01', 'x'.repeat(129), 'A'.repeat(64), 'a'.repeat(64), [], {}, [1, 2], { a: 1 }, 'INV-1', '2027-02-30', '1'.repeat(19), '9'.repeat(19), '/ip4/1.2.3.4/tcp/1', 'USD', 'add'];

// Mutations of a valid payload: each field dropped, replaced by each odd value, and one field added.
function* mutations(p: Payload): Generator<[string, Payload]> {
  yield ['extra field', { ...p, unexpected: 1 }];
  for (const k of Object.keys(p)) {
    const { [k]: _dropped, ...rest } = p;
    yield [`no ${k}`, rest];
    for (const v of ODD) yield [`${k}=${JSON.stringify(v).slice(0, 20)}`, { ...p, [k]: v as Payload[string] }];
  }
}

// Value rules only the contract checks (docs/transactions.md says them all).
const GAPS = [/^dueDate=/, /^(amount|advance)="9{19}/, /^metadata=/];

describe('transaction payload schemas', () => {
  test('one schema per contract type, and the SDK names the same types', () => {
    expect(Object.keys(TX_PAYLOAD_SCHEMAS).sort()).toEqual([...CONTRACT_TYPES].sort());
    expect(Object.keys(TX_PAYLOAD_SCHEMAS).sort()).toEqual([...TX_TYPES].sort());
    expect(Object.keys(TX_REJECTIONS).sort()).toEqual([...TX_TYPES].sort());
  });

  test('the SDK payload types are the schemas\' static types', () => {
    expectTypeOf<PayloadOf<'invoice.issue'>['buyer']>().toEqualTypeOf<TxPayloads['invoice.issue']['buyer']>();
    expectTypeOf<keyof PayloadOf<'invoice.split'>>().toEqualTypeOf<keyof TxPayloads['invoice.split']>();
    expectTypeOf<keyof PayloadOf<'asset.register'>>().toEqualTypeOf<keyof TxPayloads['asset.register']>();
    expectTypeOf<keyof PayloadOf<'member.propose'>>().toEqualTypeOf<keyof TxPayloads['member.propose']>();
  });

  test('every test vector\'s payload passes its schema and its contract', () => {
    expect(vectors.length).toBe(TX_TYPES.length);
    for (const v of vectors) {
      expect(contractOk(v.type, v.envelope.payload), v.type).toBe(true);
      expect(schemaOk(v.type, v.envelope.payload), v.type).toBe(true);
    }
  });

  test('schema and contract agree on every mutation of every vector, but for the value rules only a contract checks', () => {
    let compared = 0;
    let refused = 0;
    for (const v of vectors) {
      for (const [what, p] of mutations(v.envelope.payload)) {
        const byContract = contractOk(v.type, p);
        const bySchema = schemaOk(v.type, p);
        // Never stricter than the contract: that would refuse a valid transaction.
        if (byContract) expect(bySchema, `${v.type} ${what}: the contract accepts it, the schema must`).toBe(true);
        else if (!GAPS.some((g) => g.test(what))) expect(bySchema, `${v.type} ${what}: the contract refuses it, the schema must`).toBe(false);
        compared++;
        if (!byContract) refused++;
      }
    }
    expect(compared).toBeGreaterThan(1_000);
    expect(refused).toBeGreaterThan(compared / 2);
  });
});
