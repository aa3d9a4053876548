import SwaggerParser from '@apidevtools/swagger-parser';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

interface Schema {
  $ref?: string;
  type?: string;
  properties?: object;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
}
interface Response {
  description?: string;
  content?: Record<string, { schema?: Schema }>;
}
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: Array<{ in: string }>;
  requestBody?: unknown;
  security?: Array<Record<string, unknown>>;
  responses: Record<string, Response>;
  'x-throttle'?: string;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const ERROR_SCHEMA = '#/components/schemas/ApiErrorDto';

/** Every problem of one operation, as readable lines (empty = complete). */
function problemsOf(doc: Document, path: string, method: string, op: Operation): string[] {
  const at = `${method.toUpperCase()} ${path}`;
  const problems: string[] = [];
  const need = (status: string, why: string) => {
    if (!op.responses[status]) problems.push(`${at}: no ${status} response (${why})`);
  };
  // Meaningful: names the area and the action (assets_list, mergeAssets), not Nest's ClassController_method.
  if (
    !op.operationId ||
    !/^[a-z][A-Za-z0-9]*(_[a-z][A-Za-z0-9]*)?$/.test(op.operationId) ||
    /controller/i.test(op.operationId)
  ) {
    problems.push(`${at}: operationId ${JSON.stringify(op.operationId)} is not <area>_<action> or a verb phrase`);
  }
  if (!op.summary?.trim()) problems.push(`${at}: no summary`);
  if (!op.description?.trim()) problems.push(`${at}: no description`);

  const successes = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
  if (successes.length === 0) problems.push(`${at}: no success response`);
  for (const [status, response] of successes) {
    if (status === '204') continue;
    const media = Object.entries(response.content ?? {});
    if (media.length === 0) problems.push(`${at}: ${status} has no body schema`);
    for (const [type, { schema }] of media) {
      if (!isTyped(doc, schema)) problems.push(`${at}: ${status} ${type} body is not a typed schema`);
    }
  }

  const hasInput = (op.parameters ?? []).length > 0 || op.requestBody !== undefined;
  if (hasInput) need('400', 'it takes parameters or a body');
  if (path.includes('{')) need('404', 'it has a path parameter');
  if ((op.security ?? []).some((s) => 'admin-key' in s)) {
    need('401', 'admin route');
    need('403', 'admin route');
  }
  if (op['x-throttle'] !== 'exempt') need('429', 'throttled route');
  for (const [status, response] of Object.entries(op.responses)) {
    if (!/^[45]\d\d$/.test(status)) continue;
    // A probe's 503 is the health report itself (terminus), not an error body.
    if (status === '503' && path.startsWith('/health')) continue;
    const schema = response.content?.['application/json']?.schema;
    if (schema?.$ref !== ERROR_SCHEMA) problems.push(`${at}: ${status} does not use the error schema`);
  }
  return problems;
}

/** A $ref to a component with properties, an array of such, a primitive: anything but a bare object. */
function isTyped(doc: Document, schema: Schema | undefined, depth = 0): boolean {
  if (!schema || depth > 5) return false;
  if (schema.$ref) return isTyped(doc, doc.components.schemas[schema.$ref.split('/').pop()!], depth + 1);
  if (schema.allOf) return schema.allOf.every((s) => isTyped(doc, s, depth + 1));
  if (schema.oneOf) return schema.oneOf.every((s) => isTyped(doc, s, depth + 1));
  if (schema.type === 'array') return isTyped(doc, schema.items, depth + 1);
  if (schema.type === 'object' || schema.type === undefined) return Object.keys(schema.properties ?? {}).length > 0;
  return true;
}

/** /docs-json as served: every operation documents its errors and types its success body. */
describe('OpenAPI document completeness', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let doc: Document;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ DATABASE_URL: db.url, ADMIN_API_KEY: 'openapi-test-admin-key-0123456789' });
    doc = (await request(app.getHttpServer()).get('/docs-json').expect(200)).body as Document;
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('should list every problem of every operation (none expected)', () => {
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((m) => ({ path, method: m, op: item[m] })),
    );
    expect(operations.length).toBeGreaterThan(20);
    const problems = operations.flatMap(({ path, method, op }) => problemsOf(doc, path, method, op));
    expect(problems).toEqual([]);
  });

  it('should stay a valid OpenAPI document with the shared error decorators', async () => {
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('should give every operation its own operationId', () => {
    const ids = Object.values(doc.paths).flatMap((item) => METHODS.map((m) => item[m]?.operationId).filter(Boolean));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('should describe the error body once, with the request id', () => {
    const schema = doc.components.schemas.ApiErrorDto as { properties: Record<string, unknown>; required: string[] };
    expect(schema.required).toEqual(expect.arrayContaining(['statusCode', 'error', 'message', 'request_id']));
  });
});
