import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

// Fastify's validator compiler, on TypeBox's compiled checker. Bodies are JSON and checked as
// they are. Path and query parameters arrive as strings; only integer fields are converted, and
// only from plain decimal digits: TypeBox's own Value.Convert would read "1.5" as 1, "0x10" as
// 16 and "true" as 1, turning malformed ids into answers about some other block.

const DECIMAL = /^-?(?:0|[1-9][0-9]{0,15})$/;

interface ObjectSchema {
  readonly properties?: Record<string, { readonly type?: unknown }>;
}

function convertIntegers(schema: ObjectSchema, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || schema.properties === undefined) return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [k, prop] of Object.entries(schema.properties)) {
    const v = out[k];
    if (prop.type === 'integer' && typeof v === 'string' && DECIMAL.test(v)) out[k] = Number(v);
  }
  return out;
}

/** Validates with TypeBox; converts integer params and query fields strictly. */
export const strictValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const checker = Compile(schema);
  const convert = httpPart === 'params' || httpPart === 'querystring';
  return (input: unknown) => {
    const value = convert ? convertIntegers(schema as ObjectSchema, input) : input;
    if (checker.Check(value)) return { value };
    return { error: checker.Errors(value) as unknown as FastifySchemaValidationError[] };
  };
};
