import { describe, expect, it } from 'vitest';
import * as openapiRoute from '@/app/api/v1/openapi.json/route';

// Named schemas (.meta({id})) are emitted as {$ref: '#/$defs/X', $defs: {...}}.
function resolve(schema: any): any {
  const ref = typeof schema?.$ref === 'string' ? schema.$ref.replace('#/$defs/', '') : undefined;
  return ref ? schema.$defs[ref] : schema;
}

describe('OpenAPI document for search, assistant and settings', () => {
  it('describes the query, the NDJSON stream and the settings body from the same schemas that validate them', async () => {
    const res = openapiRoute.GET();
    expect(res.status).toBe(200);
    const { paths } = await res.json();
    const search = paths['/api/v1/search'].get;
    expect(search['x-permission']).toBe('documents:read');
    expect(search.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['limit', 'q']);
    expect(Object.keys(resolve(search.responses['200'].content['application/json'].schema).properties)).toContain('items');

    const ask = paths['/api/v1/assistant/ask'].post;
    expect(ask.summary).toMatch(/NDJSON/);
    expect(Object.keys(ask.responses['200'].content)).toEqual(['application/x-ndjson']);
    expect(Object.keys(resolve(ask.requestBody.content['application/json'].schema).properties).sort()).toEqual(['conversationId', 'documentIds', 'maxSources', 'question']);

    const put = paths['/api/v1/settings/ai'].put;
    expect(put['x-permission']).toBe('settings:manage');
    expect(Object.keys(resolve(put.requestBody.content['application/json'].schema).properties).sort()).toEqual(['categories', 'policies', 'privacyMode', 'rules']);
    expect(paths['/api/v1/settings/ai'].get['x-permission']).toBe('settings:manage');
  });
});
