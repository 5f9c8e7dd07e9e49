import { z } from 'zod';
import { errorBodySchema } from './errors';
import type { Operation } from './operation';

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', reused: 'inline' });
  return rest;
}

function parametersOf(op: Operation): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [location, schema] of [['path', op.params], ['query', op.query]] as const) {
    if (!schema) continue;
    const json = schemaOf(schema, 'input');
    const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((json.required ?? []) as string[]);
    for (const [name, s] of Object.entries(properties)) {
      out.push({ name, in: location, required: location === 'path' || required.has(name), schema: s });
    }
  }
  return out;
}

const ERROR_RESPONSE = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

export function buildOpenApi(operations: readonly Operation[], version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of operations) {
    const status = String(op.status ?? (op.response ? 200 : 204));
    const contentType = op.responseContentType ?? 'application/json';
    const success: JsonSchema = op.response
      ? { description: 'Success', content: { [contentType]: { schema: schemaOf(op.response, 'output') } } }
      : { description: 'Success, no content' };
    const operation: JsonSchema = {
      operationId: op.id,
      summary: op.summary,
      tags: [op.tag],
      parameters: parametersOf(op),
      responses: { [status]: success, '4XX': ERROR_RESPONSE, '5XX': ERROR_RESPONSE },
      security: op.auth === 'none' ? [] : op.auth === 'platform' ? [{ platformToken: [] }] : [{ session: [] }, { apiKey: [] }],
    };
    if (op.permission) operation['x-permission'] = op.permission;
    if (op.body) operation.requestBody = { required: !op.bodyOptional, content: { 'application/json': { schema: schemaOf(op.body, 'input') } } };
    paths[op.path] ??= {};
    paths[op.path]![op.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Reflex API', version, description: 'Multi-tenant AI assistant backend. Errors share one shape.' },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { Error: schemaOf(errorBodySchema, 'output') },
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'better-auth.session_token' },
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key (rfx_...)' },
        platformToken: { type: 'http', scheme: 'bearer', description: 'PLATFORM_ADMIN_TOKEN' },
      },
    },
  };
}
