/**
 * The store's paths as nano builds them from a document id (patches/nano+11.0.7.patch): an id is
 * escaped unless it starts with `_design/` or `_local/`. Upstream left any id holding `_local`
 * anywhere as it was, so an id a client chose (a WebAuthn challenge, a notification id) could
 * walk to another endpoint of the store: `x_local/../_changes?feed=continuous` held a store
 * connection open for good.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nano from 'nano';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: Server;
let url: string;
const asked: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    asked.push(request.url ?? '');
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found","reason":"missing"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function pathOf(id: string): Promise<string> {
  asked.length = 0;
  await nano(url).use('sealctl_meta').get(id).catch(() => undefined);
  expect(asked).toHaveLength(1);
  return asked[0]!;
}

describe('a document id in the store path', () => {
  it('is escaped, `_local` or `..` inside it included, so it never names another endpoint', async () => {
    for (const id of ['ch:x_local/../_changes?feed=continuous&heartbeat=5000', 'x_local/../../sealctl_rows/_all_docs?include_docs=true', 'n:_local', 'a/b', 'my_local_seal', '../_all_dbs']) {
      expect(await pathOf(id)).toBe(`/sealctl_meta/${encodeURIComponent(id)}`);
    }
  });

  it('leaves design and local documents as the store names them', async () => {
    expect(await pathOf('_design/rows')).toBe('/sealctl_meta/_design/rows');
    expect(await pathOf('_local/checkpoint')).toBe('/sealctl_meta/_local/checkpoint');
  });
});
