// JSON Schema (as tools declare it) → Gemini's OpenAPI-subset Schema, the form Live accepts.
import type { Schema } from '@google/genai';

/**
 * Live ignores `parametersJsonSchema` (the model calls the tool with empty args:
 * googleapis/python-genai#1147), so declarations must use `parameters`, whose `type` values are
 * the upper-case enum names and which rejects JSON-Schema-only keys such as `additionalProperties`.
 */
export function toGeminiSchema(jsonSchema: Record<string, unknown>): Schema {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(jsonSchema)) {
    if (!KEPT_KEYS.has(key)) continue;
    if (key === 'type') out.type = convertType(value, out);
    else if (key === 'properties' && isRecord(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, isRecord(sub) ? toGeminiSchema(sub) : {}]),
      );
    } else if (key === 'items' && isRecord(value)) out.items = toGeminiSchema(value);
    else if (key === 'anyOf' && Array.isArray(value)) {
      out.anyOf = value.filter(isRecord).map((sub) => toGeminiSchema(sub));
    } else if (key === 'const') out.enum = [String(value)];
    else out[key] = value;
  }
  return out as Schema;
}

const KEPT_KEYS = new Set([
  'type',
  'description',
  'enum',
  'const',
  'format',
  'properties',
  'required',
  'items',
  'anyOf',
  'nullable',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'pattern',
  'default',
  'title',
]);

/** `["string", "null"]` becomes STRING + nullable. */
function convertType(value: unknown, out: Record<string, unknown>): string | undefined {
  const types = (Array.isArray(value) ? value : [value]).filter((t): t is string => typeof t === 'string');
  if (types.includes('null')) out.nullable = true;
  const main = types.find((t) => t !== 'null');
  return main?.toUpperCase();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
