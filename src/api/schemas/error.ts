import { Type, type Static } from 'typebox';
import { API_ERRORS, API_ERROR_CODES } from '../errors.js';

const codeTable = API_ERROR_CODES.map((c) => `- \`${c}\` (${API_ERRORS[c].status}): ${API_ERRORS[c].description}`).join('\n');

/** The one error envelope of every non-2xx answer (docs/api.md). */
export const ErrorEnvelope = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.Enum(API_ERROR_CODES, { description: `Error codes:\n${codeTable}` }),
        message: Type.String(),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, title: 'ErrorEnvelope', description: 'Error envelope' },
);
/** JSON form of ErrorEnvelope. */
export type ErrorEnvelopeJson = Static<typeof ErrorEnvelope>;

/** Statuses every route can answer with whatever its inputs (validation, rate limit, bugs). */
const COMMON_STATUSES = [400, 429, 500] as const;

/**
 * Response schemas for the error statuses of a route: the common ones plus `extra`. Each maps
 * to ErrorEnvelope, so the serializer emits exactly {error: {code, message}}.
 */
export function errorResponses<S extends number>(
  ...extra: readonly S[]
): Record<S | (typeof COMMON_STATUSES)[number], typeof ErrorEnvelope> {
  const out: Record<number, typeof ErrorEnvelope> = {};
  for (const s of [...COMMON_STATUSES, ...extra]) out[s] = ErrorEnvelope;
  return out;
}
