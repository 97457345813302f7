/**
 * Bad input over real sockets: bytes an attacker writes to the port, parsed by Node's own HTTP
 * parser and then the server, not what `inject` lets through. Nothing answers 5xx, every answer
 * is `{ error, message }`, and a refused change leaves nothing behind.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpOrganisation } from '../../sync-server/src/testing/testServer';
import { startSyncServer, type RunningSync } from './harness';

interface RawAnswer {
  readonly status: number;
  readonly body: string;
}

let running: RunningSync;
let port: number;
let cookie: string;
let origin: string;
let rootUnitId: string;

/**
 * Writes `bytes` to the server's port as they are and reads the answer until the server closes
 * (every request says `Connection: close`). `cutShort`: the client then stops sending (half-close),
 * as a client that dies mid-body does.
 */
function rawRequest(bytes: Buffer, cutShort = false): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      const [head = '', ...rest] = text.split('\r\n\r\n');
      let body = rest.join('\r\n\r\n');
      if (/transfer-encoding: chunked/i.test(head)) body = body.replace(/(^|\r\n)[0-9a-f]+\r\n/gi, '').replace(/\r\n$/, '');
      resolve({ status, body });
    });
    if (cutShort) socket.end(bytes);
    else socket.write(bytes);
  });
}

/** An HTTP/1.1 request with `Connection: close`, the head in latin1 (one byte per char), the body as given. */
function request(method: string, target: string, headers: Record<string, string>, body?: Buffer | string): Buffer {
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const lines = [`${method} ${target} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: close'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (payload && !Object.keys(headers).some((h) => h.toLowerCase() === 'transfer-encoding')) lines.push(`Content-Length: ${payload.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload ?? Buffer.alloc(0)]);
}

/** A chunked body, cut into pieces of `size` bytes. */
function chunked(payload: Buffer, size: number): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < payload.length; at += size) {
    const piece = payload.subarray(at, at + size);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  return Buffer.concat([...parts, Buffer.from('0\r\n\r\n')]);
}

function expectRefusal(answer: RawAnswer, status: number, code: string): void {
  expect({ status: answer.status, body: answer.body.slice(0, 300) }).toMatchObject({ status });
  expect(JSON.parse(answer.body)).toEqual({ error: code, message: expect.any(String) as string });
}

const unitNames = async (): Promise<string[]> =>
  (await running.server.call('GET', '/api/units', { cookie })).json<{ units: { name: string }[] }>().units.map((u) => u.name);

beforeAll(async () => {
  running = await startSyncServer();
  port = Number(new URL(running.url).port);
  const admin = await setUpOrganisation(running.server);
  cookie = admin.cookie;
  rootUnitId = admin.rootUnitId;
  origin = running.server.config.origins[0]!;
});
afterAll(async () => {
  await running?.close();
});

describe('bytes on the wire', () => {
  it('refuses a unit named with a lone surrogate (400 bad_unicode) and does not create it', async () => {
    const body = `{"name":"lone\\ud800surrogate","kind":"branch","parentId":"${rootUnitId}"}`;
    const answer = await rawRequest(request('POST', '/api/units', { Cookie: cookie, Origin: origin, 'Content-Type': 'application/json' }, body));
    expectRefusal(answer, 400, 'bad_unicode');
    expect((await unitNames()).some((name) => name.startsWith('lone'))).toBe(false);
  });

  it('refuses a body that is not UTF-8, sent whole or in chunks split inside a sequence', async () => {
    const body = Buffer.concat([Buffer.from('{"name":"caf'), Buffer.from([0xc3]), Buffer.from([0x28]), Buffer.from(`","kind":"branch","parentId":"${rootUnitId}"}`)]);
    expectRefusal(await rawRequest(request('POST', '/api/units', { Cookie: cookie, Origin: origin, 'Content-Type': 'application/json' }, body)), 400, 'bad_unicode');
    const good = Buffer.from(`{"name":"Café 咖啡","kind":"branch","parentId":"${rootUnitId}"}`);
    // A valid name split mid-sequence across chunks is still valid: the check is on the whole body.
    const answer = await rawRequest(request('POST', '/api/units', { Cookie: cookie, Origin: origin, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }, chunked(good, 3)));
    expect(answer.status).toBe(201);
    expect(await unitNames()).toContain('Café 咖啡');
    expectRefusal(await rawRequest(request('POST', '/api/units', { Cookie: cookie, Origin: origin, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }, chunked(body, 5))), 400, 'bad_unicode');
  });

  it('refuses a push nested 200,000 levels deep, streamed in chunks (400 too_deep)', async () => {
    const deep = `{"rows":[{"id":"x","type":"fact","kind":"attachment","body":${'['.repeat(200_000)}${']'.repeat(200_000)}}]}`;
    const answer = await rawRequest(request('POST', '/api/sync/push', { Cookie: cookie, Origin: origin, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }, chunked(Buffer.from(deep), 64 * 1024)));
    expectRefusal(answer, 400, 'too_deep');
  });

  it('refuses raw bytes that are not UTF-8 in the path, the query and the cookie', async () => {
    const latin1 = (bytes: number[]): string => Buffer.from(bytes).toString('latin1');
    for (const target of [`/api/users/${latin1([0xff, 0xfe])}`, `/api/sync/pull?since=${latin1([0xc0, 0xaf])}`, '/api/sync/pull?since=%ED%A0%80', '/api/users/%F4%90%80%80']) {
      const answer = await rawRequest(request('GET', target, { Cookie: cookie }));
      // Node's parser may refuse the raw bytes itself (400 bad_request); past it, the server names them.
      expect(answer.status, target).toBeGreaterThanOrEqual(400);
      expect(answer.status, target).toBeLessThan(500);
      expect(Object.keys(JSON.parse(answer.body) as object).sort(), target).toEqual(['error', 'message']);
    }
    expectRefusal(await rawRequest(request('GET', '/api/sync/pull?since=%ED%A0%80', { Cookie: cookie })), 400, 'bad_unicode');
    expectRefusal(await rawRequest(request('GET', '/api/units', { Cookie: `${cookie}; other=${latin1([0xe2, 0x28, 0xa1])}` })), 400, 'bad_unicode');
  });

  it('answers headers larger than Node accepts, and requests that are not HTTP, with { error, message }', async () => {
    expectRefusal(await rawRequest(request('GET', '/api/units', { Cookie: `a=${'x'.repeat(20_000)}` })), 431, 'too_large');
    expectRefusal(await rawRequest(Buffer.from('GARBAGE\r\n\r\n'), true), 400, 'bad_request');
    expectRefusal(await rawRequest(Buffer.from('POST /api/units HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nzz\r\n'), true), 400, 'bad_request');
  });

  it('answers a body on GET, a body cut short and an empty JSON body without a 5xx', async () => {
    const onGet = await rawRequest(request('GET', '/api/units', { Cookie: cookie, 'Content-Type': 'application/json' }, '{"a":'));
    expect(onGet.status).toBeLessThan(500);
    const cut = Buffer.concat([request('POST', '/api/units', { Cookie: cookie, Origin: origin, 'Content-Type': 'application/json', 'Content-Length': '500' }).subarray(0), Buffer.from('{"name":')]);
    const short = await rawRequest(cut, true);
    expect(short.status === 0 || (short.status >= 400 && short.status < 500)).toBe(true);
    expectRefusal(await rawRequest(request('POST', '/api/units', { Cookie: cookie, Origin: origin, 'Content-Type': 'application/json' }, '')), 400, 'invalid_json');
  });
});
