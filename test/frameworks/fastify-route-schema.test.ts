import { describe, expect, test } from 'vitest';
import { fastifyAdapter } from '../../src/engine/frameworks/fastify/index.js';
import { isRestrictedPattern, isShellWordPattern } from '../../src/engine/frameworks/fastify/route-schema.js';
import { makeProject } from '../helpers/cli.js';
import { loadRoutes } from '../helpers/routes.js';

const PACKAGE = JSON.stringify({ name: 'api', dependencies: { fastify: '^5.0.0', zod: '^3.0.0', '@sinclair/typebox': '^0.32.0', 'fluent-json-schema': '^4.0.0' } });

function fieldsOf(files: Record<string, string>): Record<string, string | null> {
  const dir = makeProject({ 'package.json': PACKAGE, ...files });
  const [route] = loadRoutes(dir, [fastifyAdapter]);
  const fields = route?.middleware.find((step) => step.name === 'schema')?.validatedFields ?? [];
  return Object.fromEntries(fields.map((field) => [`${field.part}.${field.field}`, field.restricted ?? null]));
}

describe('Fastify route schema fields', () => {
  test('JSON schema: numeric types, enum, const, formats, patterns, anyOf, arrays; free strings stay free', () => {
    const fields = fieldsOf({
      'src/app.ts': `import Fastify from 'fastify';
const app = Fastify();
const id = { type: 'integer' };
app.get('/x/:id', { schema: {
  params: { type: 'object', properties: { id } },
  querystring: { type: 'object', properties: {
    n: { type: ['number', 'null'] }, kind: { enum: ['a', 'b'] }, fixed: { const: 'v' }, at: { type: 'string', format: 'date-time' },
    slug: { type: 'string', pattern: '^[a-z0-9_-]{1,20}$' }, loose: { type: 'string', pattern: '^[a-z]+|.*$' }, url: { type: 'string', format: 'uri' },
    either: { anyOf: [{ type: 'integer' }, { enum: ['all'] }] }, ids: { type: 'array', items: { type: 'integer' } }, text: { type: 'string', maxLength: 5 },
  } },
  headers: { type: 'object', properties: { 'X-Tenant': { type: 'string', format: 'uuid' } } },
} }, async () => 'ok');
`,
    });
    expect(fields).toEqual({
      'params.id': 'type: integer',
      'query.n': 'type: number | null',
      'query.kind': 'enum',
      'query.fixed': 'const',
      'query.at': 'format: date-time',
      'query.slug': 'pattern: ^[a-z0-9_-]{1,20}$',
      'query.loose': null,
      'query.url': null,
      'query.either': 'anyOf of type: integer, enum',
      'query.ids': 'array of type: integer',
      'query.text': null,
      'headers.x-tenant': 'format: uuid',
    });
  });

  test('TypeBox, fluent-json-schema and zod schemas declared in another file', () => {
    const fields = fieldsOf({
      'src/schemas.ts': `import { Type } from '@sinclair/typebox';
import S from 'fluent-json-schema';
import { z } from 'zod';
export const routeSchemas = {
  params: Type.Object({ id: Type.Integer(), kind: Type.Union([Type.Literal('a'), Type.Literal('b')]), name: Type.String() }),
  querystring: S.object().prop('page', S.integer()).prop('q', S.string()).prop('sort', S.string().enum(['asc', 'desc'])),
  body: z.object({ owner: z.string().uuid(), note: z.string() }).merge(z.object({ count: z.coerce.number() })).strict(),
};
`,
      'src/app.ts': `import Fastify from 'fastify';
import { routeSchemas } from './schemas';
const app = Fastify();
app.post('/x/:id/:kind/:name', { schema: routeSchemas }, async () => 'ok');
`,
    });
    expect(fields).toEqual({
      'params.id': 'Type.Integer()',
      'params.kind': 'Type.Union() of restricted members',
      'params.name': null,
      'query.page': 'S.integer()',
      'query.q': null,
      'query.sort': '.enum()',
      'body.owner': '.uuid()',
      'body.note': null,
      'body.count': 'z.number()',
    });
  });

  test('restricted patterns are anchored at both ends and match only letters, digits, _ and -', () => {
    for (const pattern of ['^[a-z]+$', '^\\d{4}-\\d{2}$', '^(?:asc|desc)$', '^[A-Za-z0-9_-]{3,32}$', '^[\\w-]+$']) expect(isRestrictedPattern(pattern), pattern).toBe(true);
    for (const pattern of ['[a-z]+', '^[a-z]+', '^[^/]+$', '^[\\w.]+$', '^asc|desc$', '^.+$', '^[a-z\\s]+$', '^[+-=]+$', '^[a-z\\-.]+$', '^\\s+$', '^a\\.b$']) expect(isRestrictedPattern(pattern), pattern).toBe(false);
  });

  test('shell-word patterns may add . : / @ + , = % to that alphabet, never a space, quote or shell metacharacter', () => {
    for (const pattern of ['^[a-zA-Z0-9][a-zA-Z0-9_.-]*$', '^[a-zA-Z0-9.\\-_]+$', '^[\\w.:/-]+$', '^[a-z]+\\.[a-z]+$', '^[a-z0-9@+=,%]+$', '^[a-z]+$']) expect(isShellWordPattern(pattern), pattern).toBe(true);
    for (const pattern of [
      '^[a-zA-Z0-9 ._-]{0,500}$', // a space splits the word
      '^[a-zA-Z0-9@#%^&*()_+\\-=[\\]{}|;:,.<>?~`]*$', // a password alphabet with ; | & ` ( )
      '^[a-z.]+', // not anchored at the end
      '^.+$', // unescaped . is any character
      '^[a-z\\s]+$', // \s is whitespace
      '^\\S+$',
      '^[a-z$]+$',
      '^[a-z"\']+$',
    ]) expect(isShellWordPattern(pattern), pattern).toBe(false);
  });
});
