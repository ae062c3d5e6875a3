import { describe, expect, it } from 'vitest';
import { toGeminiSchema } from '../../../src/live/gemini-schema.ts';

describe('toGeminiSchema', () => {
  it('GIVEN a JSON schema THEN types are upper-cased, nullables kept and JSON-Schema-only keys dropped', () => {
    const schema = toGeminiSchema({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      properties: {
        sides: { type: 'integer', minimum: 2, description: 'Faces' },
        label: { type: ['string', 'null'] },
        mode: { const: 'fast' },
        tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] } },
      },
      required: ['sides'],
    });
    expect(schema).toEqual({
      type: 'OBJECT',
      properties: {
        sides: { type: 'INTEGER', minimum: 2, description: 'Faces' },
        label: { type: 'STRING', nullable: true },
        mode: { enum: ['fast'] },
        tags: { type: 'ARRAY', items: { type: 'STRING', enum: ['a', 'b'] } },
      },
      required: ['sides'],
    });
  });
});
