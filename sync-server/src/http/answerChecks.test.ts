import Fastify, { type FastifyInstance } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { pullResponseSchema } from '@seal/shared';
import { createApi, serializerCompiler, validatorCompiler, type ServerContext } from './api';

const row = { id: 'fact:attachment:x', type: 'fact', kind: 'attachment', subject: 'request:r', scopeUnitId: 'u', author: 'a', createdAt: 1, body: { sha256: 'f'.repeat(64) } };
const envelope = { checkpoint: 'c', left: [], remaining: 0, more: false };

/** Answers are checked on their way out; a route may name a lighter check for one of them. */
describe('answer checks', () => {
  let app: FastifyInstance;
  afterEach(async () => app?.close());

  async function serve(answer: unknown): Promise<{ light: number; full: number }> {
    app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    await app.register(fastifyRateLimit, { global: false });
    const api = createApi(app, { config: { origins: [] } } as unknown as ServerContext, { codes: { max: 10, timeWindow: 1000 }, ceremonies: { max: 10, timeWindow: 1000 } });
    const lighter = pullResponseSchema.extend({ rows: z.array(z.looseObject({ id: z.string() })) });
    api.route({ method: 'GET', url: '/light', tag: 't', summary: 's', auth: 'public', responses: { 200: pullResponseSchema }, answerChecks: { 200: lighter } }, () => answer);
    api.route({ method: 'GET', url: '/full', tag: 't', summary: 's', auth: 'public', responses: { 200: pullResponseSchema } }, () => answer);
    return { light: (await app.inject({ url: '/light' })).statusCode, full: (await app.inject({ url: '/full' })).statusCode };
  }

  it('sends what both checks pass', async () => {
    expect(await serve({ ...envelope, rows: [row] })).toEqual({ light: 200, full: 200 });
  });

  it('sends rows the lighter check passes where the route names it, and only there', async () => {
    const unlike = { ...row, kind: 'no such kind', body: 'not an object' };
    expect(await serve({ ...envelope, rows: [unlike] })).toEqual({ light: 200, full: 500 });
  });

  it('still refuses an answer whose envelope or rows fail the lighter check', async () => {
    expect(await serve({ ...envelope, rows: [{ ...row, id: 42 }] })).toEqual({ light: 500, full: 500 });
    expect(await serve({ rows: [row], checkpoint: 'c', left: [], more: false })).toEqual({ light: 500, full: 500 });
    expect(await serve({ ...envelope, rows: 'all of them' })).toEqual({ light: 500, full: 500 });
  });
});
