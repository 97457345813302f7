/**
 * An impression's recorded layout cannot make the server's redraw costly, nor hide text: against
 * the real server over HTTP, a layout with a seam over one page thousands of times and hundreds
 * of seals stacked on a page is refused when the impression row is pushed; one the row schema lets
 * through but the layout rule does not (overlapping seals, more seals than the document's pages
 * take, a seal over the QR block) is refused at countersigning, its refusal remembered so that
 * asking again does not draw again; a person asking more than AUTH_RATE_LIMIT countersignings a
 * minute is answered 429; and the honest PDF, made by the app's own stamping code, is still
 * countersigned and pdfsig finds both signatures valid.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { factRowId, subjectOf, verificationCodeOf, type ElectronicGrant, type Impression, type ImpressionLayoutRecord } from '@seal/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfsigReports } from '../pdfChecks';
import { drawAsTheApp, signAsTheApp, type StampParts } from '../stampedPdfs';
import { ELECTRONIC_SEAL_ID, electronicGrantWorld, holderSigner } from './electronicGrantWorld';
import { startSyncServer, type Person, type RunningSync, type World } from './harness';

const FIXTURE = new URL('../fixtures/documents/fontconfig-user.pdf', import.meta.url);
/** Countersignings one person may ask a minute (AUTH_RATE_LIMIT). */
const LIMIT = 40;
const LOOK = { kind: 'contract', name: '合同专用章' } as const;
const SITE_NAME = 'Site 项目部';
const HONEST: ImpressionLayoutRecord['placements'] = [{ page: 0, x: 150, y: 200 }];

let running: RunningSync; let world: World; let staff: Person; let custodian: Person;
let source: Uint8Array; let grant: ElectronicGrant; let counter = 0; let asked = 0;
let holder: Awaited<ReturnType<typeof holderSigner>>;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const call = (method: 'GET' | 'POST', url: string, person?: Person, body?: unknown) => running.server.call(method, url, { ...(person ? { cookie: person.cookie } : {}), ...(body === undefined ? {} : { body }) });

/** The honest PDF (the seal on page 1 as the app draws it), signed; the impression records `layout` (the honest one by default) and is pushed: the push's result. */
async function stamp(layout?: Omit<ImpressionLayoutRecord, 'origin'>) {
  const id = `limits-${process.pid}-${String(++counter).padStart(5, '0')}`.padEnd(22, '0');
  const code = await verificationCodeOf(id);
  const claimedAt = Math.floor(Date.now() / 1000) * 1000;
  const origin = running.server.config.origins[0]!;
  const parts: StampParts = { look: LOOK, unitName: SITE_NAME, layout: { placements: HONEST, origin }, code };
  const signed = await signAsTheApp(await drawAsTheApp(source, parts), holder.signer, { id, sealId: grant.sealId, claimedAt });
  const impression: Impression = {
    id: id as Impression['id'], grantId: grant.id, requestId: grant.requestId, sealId: grant.sealId, holderId: grant.holderId, sourceSha256: sha(source), signedSha256: sha(signed),
    certificateSerial: holder.serial, claimedAt, pages: [1], verificationCode: code, layout: { ...(layout ?? { placements: HONEST }), origin },
  };
  const pushed = await call('POST', '/api/sync/push', staff, { rows: [{
    id: factRowId('impression', id), type: 'fact', kind: 'impression', subject: subjectOf('request', grant.requestId), scopeUnitId: world.siteId, author: staff.userId, createdAt: Date.now(), body: impression,
  }] });
  return { signed, impression, result: pushed.json<{ results: { status: string; code?: string; message?: string }[] }>().results[0]! };
}
const countersign = (id: string, pdf: Uint8Array) => {
  asked += 1;
  return call('POST', `/api/documents/impressions/${id}/countersign`, staff, { pdf: Buffer.from(pdf).toString('base64') });
};

beforeAll(async () => {
  running = await startSyncServer({ AUTH_RATE_LIMIT: String(LIMIT) });
  source = new Uint8Array(await readFile(FIXTURE));
  // Uses enough for every impression below: each is refused for what it shows, not for a use spent.
  ({ world, staff, custodian, grant } = await electronicGrantWorld(running, { requestId: 'req-e-limits', source, pages: 15, uses: 20 }));
  holder = await holderSigner(running, staff, ELECTRONIC_SEAL_ID);
});
afterAll(async () => {
  await running?.close();
});

describe("an impression's layout is bounded: refused at push or at countersigning, never drawn at length", () => {
  it("refuses at push the reviewer's layout: a seam over page 1 two thousand times, two hundred seals stacked on it", async () => {
    const seam = await stamp({ placements: HONEST, seam: { pages: Array.from({ length: 2000 }, () => 0), y: 100, size: 120 } });
    expect(seam.result).toMatchObject({ status: 'refused', message: expect.stringContaining('a seam over each page once') as unknown });
    const stacked = await stamp({ placements: Array.from({ length: 200 }, () => ({ page: 0, x: 100, y: 100, size: 120 })) });
    expect(stacked.result).toMatchObject({ status: 'refused', message: expect.stringContaining('at most 2 seals placed on a page') as unknown });
    // Never recorded, so there is nothing to countersign.
    expect((await countersign(seam.impression.id, seam.signed)).statusCode).toBe(404);
  });

  it('refuses at countersigning a layout the row takes but the layout rule does not; asked again, it answers the refusal remembered, not drawing again', async () => {
    const layouts: Record<string, Omit<ImpressionLayoutRecord, 'origin'>> = {
      seals_overlap: { placements: [{ page: 0, x: 150, y: 200 }, { page: 0, x: 150, y: 200 }] },
      // Two a page on nine pages of fifteen: eighteen, past one a page and two.
      too_many_seals: { placements: Array.from({ length: 9 }, (_, page) => [{ page, x: 60, y: 100 }, { page, x: 150, y: 100 }]).flat() },
      covers_qr: { placements: [{ page: 0, x: 30, y: 280 }] },
    };
    for (const [code, layout] of Object.entries(layouts)) {
      const { signed, impression, result } = await stamp(layout);
      expect(result, code).toMatchObject({ status: 'accepted' });
      const answer = await countersign(impression.id, signed);
      expect(answer.statusCode, answer.body).toBe(422);
      const first = answer.json<{ error: string; message: string }>();
      expect(first).toMatchObject({ error: 'pdf_not_as_stamped', message: expect.stringContaining(`(${code})`) as unknown });
      expect(first.message).not.toContain('not drawn again');
      // Asked again: the refusal remembered, the PDF not drawn again.
      const again = await countersign(impression.id, signed);
      expect(again.statusCode).toBe(422);
      expect(again.json<{ message: string }>().message).toBe(`${first.message} (as found when this PDF was drawn at ${new Date(running.server.clock.now()).toISOString()}: it is not drawn again)`);
    }
  });

  it("countersigns the PDF the app's own stamping makes, and pdfsig finds both signatures valid", async () => {
    const { signed, impression, result } = await stamp();
    expect(result).toMatchObject({ status: 'accepted' });
    const answer = await countersign(impression.id, signed);
    expect(answer.statusCode, answer.body).toBe(200);
    const countersigned = Buffer.from(answer.json<{ pdf: string }>().pdf, 'base64');
    const reports = await pdfsigReports(countersigned, (await call('GET', '/api/documents/ca')).json<{ certificate: string }>().certificate);
    expect(reports).toHaveLength(2);
    for (const report of reports) expect(report).toContain('Signature Validation: Signature is Valid.');
  });

  it('answers 429 to a person asking more than AUTH_RATE_LIMIT countersignings a minute, and again once the minute has passed', async () => {
    const { signed, impression } = await stamp({ placements: [{ page: 0, x: 150, y: 200 }, { page: 0, x: 150, y: 200 }] });
    while (asked < LIMIT) expect((await countersign(impression.id, signed)).statusCode).toBe(422);
    const over = await countersign(impression.id, signed);
    expect(over.statusCode, over.body).toBe(429);
    expect(over.json()).toMatchObject({ error: 'rate_limited' });
    // Another person is counted apart.
    const other = await call('POST', `/api/documents/impressions/${impression.id}/countersign`, custodian, { pdf: Buffer.from(signed).toString('base64') });
    expect(other.statusCode).not.toBe(429);
    running.server.clock.advance(61_000);
    expect((await countersign(impression.id, signed)).statusCode).toBe(422);
  });
});
