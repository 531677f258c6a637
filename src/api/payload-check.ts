import { Compile } from 'typebox/compile';
import { ApiError } from './errors.js';
import { hasPayloadSchema, TX_PAYLOAD_SCHEMAS, type PayloadSchemaType } from './schemas/tx-payloads.js';

// The payload of a submission checked against its type's schema (schemas/tx-payloads.ts),
// the one the OpenAPI document shows, before the pool sees it. PERF: compiled once; a check
// is a few µs against the ~60 µs of a signature check the pool makes anyway.

const checkers = new Map<PayloadSchemaType, ReturnType<typeof Compile>>();
for (const type of Object.keys(TX_PAYLOAD_SCHEMAS) as PayloadSchemaType[]) checkers.set(type, Compile(TX_PAYLOAD_SCHEMAS[type]));

interface SchemaError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly message: string;
  readonly params: { readonly additionalProperties?: readonly string[] };
}

/**
 * Throws 400 PAYLOAD_INVALID naming the first field that `payload` gets wrong for `type`.
 * Unknown types pass: the pool answers UNKNOWN_TX_TYPE for them.
 */
export function checkPayloadShape(type: string, payload: unknown): void {
  if (!hasPayloadSchema(type)) return;
  const checker = checkers.get(type);
  if (checker === undefined || checker.Check(payload)) return;
  const errors = checker.Errors(payload) as unknown as SchemaError[];
  // A union's branches and `false` sub-schemas each report too; the others name the field.
  const e = errors.find((x) => x.keyword !== 'boolean' && x.keyword !== 'anyOf') ?? errors[0];
  const field = `payload${(e?.instancePath ?? '').replace(/\/([0-9]+)(?=\/|$)/g, '[$1]').replace(/\//g, '.')}`;
  const extra = e?.params.additionalProperties !== undefined ? ` (${e.params.additionalProperties.join(', ')})` : '';
  throw new ApiError('PAYLOAD_INVALID', `${field}: ${e?.message ?? 'does not match the schema of ' + type}${extra}`);
}
