/**
 * An electronic seal's impression adds the seal and nothing else. A holder's tablet signs what it
 * likes after the approved document's bytes: every PDF here keeps them as its first revision (the
 * check before this one passed them all), yet shows something else — a page's content replaced,
 * a white box and other words painted over the text, a page added, an original object redefined,
 * an annotation, JavaScript on opening, the seal drawn elsewhere than the layout the impression
 * records. Against the real server over HTTP each is refused `pdf_not_as_stamped`, and the
 * honest PDF, made by the app's own stamping code, is countersigned and pdfsig finds both
 * signatures valid.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { factRowId, subjectOf, verificationCodeOf, type ElectronicGrant, type Impression, type ImpressionLayoutRecord } from '@seal/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfsigReports } from '../pdfChecks';
import { ATTACKS, drawAsTheApp, signAsTheApp, type Attack, type StampParts } from '../stampedPdfs';
import { ELECTRONIC_SEAL_ID, electronicGrantWorld, holderSigner } from './electronicGrantWorld';
import { startSyncServer, type Person, type RunningSync, type World } from './harness';

const FIXTURE = new URL('../fixtures/documents/fontconfig-user.pdf', import.meta.url);
/** The seal as the server holds it (`sealRecord`: a contract seal named 合同专用章) and the site it belongs to. */
const LOOK = { kind: 'contract', name: '合同专用章' } as const;
const SITE_NAME = 'Site 项目部';

let running: RunningSync; let world: World; let staff: Person;
let source: Uint8Array; let grant: ElectronicGrant; let counter = 0;
let holder: Awaited<ReturnType<typeof holderSigner>>;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const call = (method: 'GET' | 'POST', url: string, person?: Person, body?: unknown) => running.server.call(method, url, { ...(person ? { cookie: person.cookie } : {}), ...(body === undefined ? {} : { body }) });

/**
 * An impression as the tablet makes it — the seal on page 1, its layout recorded — but the PDF
 * signed is `attack`'s when one is given (the honest drawing otherwise); `record` changes what the
 * impression records.
 */
async function stamp(attack?: Attack, record: (layout: ImpressionLayoutRecord) => ImpressionLayoutRecord | undefined = (l) => l) {
  const id = `content-${process.pid}-${String(++counter).padStart(5, '0')}`.padEnd(22, '0');
  const code = await verificationCodeOf(id);
  const claimedAt = Math.floor(Date.now() / 1000) * 1000;
  const layout: ImpressionLayoutRecord = { placements: [{ page: 0, x: 150, y: 200 }], origin: running.server.config.origins[0]! };
  const parts: StampParts = { look: LOOK, unitName: SITE_NAME, layout, code };
  const drawn = await drawAsTheApp(source, parts);
  const pdf = attack === undefined ? drawn : await attack.make({ source, drawn, parts });
  const signed = await signAsTheApp(pdf, holder.signer, { id, sealId: grant.sealId, claimedAt });
  const recorded = record(layout);
  const impression: Impression = {
    id: id as Impression['id'], grantId: grant.id, requestId: grant.requestId, sealId: grant.sealId, holderId: grant.holderId, sourceSha256: sha(source), signedSha256: sha(signed),
    certificateSerial: holder.serial, claimedAt, pages: [1], verificationCode: code, ...(recorded === undefined ? {} : { layout: recorded }),
  };
  const pushed = await call('POST', '/api/sync/push', staff, { rows: [{
    id: factRowId('impression', id), type: 'fact', kind: 'impression', subject: subjectOf('request', grant.requestId), scopeUnitId: world.siteId, author: staff.userId, createdAt: Date.now(), body: impression,
  }] });
  expect(pushed.json<{ results: { status: string }[] }>().results[0], pushed.body).toMatchObject({ status: 'accepted' });
  return { signed, impression };
}
const countersign = (id: string, pdf: Uint8Array) => call('POST', `/api/documents/impressions/${id}/countersign`, staff, { pdf: Buffer.from(pdf).toString('base64') });

beforeAll(async () => {
  running = await startSyncServer();
  source = new Uint8Array(await readFile(FIXTURE));
  // Uses enough for every impression below: each is refused for what it shows, not for a use spent.
  ({ world, staff, grant } = await electronicGrantWorld(running, { requestId: 'req-e-content', source, pages: 15, uses: ATTACKS.length + 5 }));
  holder = await holderSigner(running, staff, ELECTRONIC_SEAL_ID);
});
afterAll(async () => {
  await running?.close();
});

describe('the organisation countersigns an impression only as the seal its layout draws on the approved document', () => {
  for (const attack of ATTACKS) {
    it(`refuses ${attack.name}`, async () => {
      const { signed, impression } = await stamp(attack);
      // The approved bytes are its first revision: the check before this one let it through.
      expect(sha(signed.subarray(0, source.length))).toBe(sha(source));
      const answer = await countersign(impression.id, signed);
      expect(answer.statusCode, answer.body).toBe(422);
      expect(answer.json<{ error: string; message: string }>()).toMatchObject({ error: 'pdf_not_as_stamped', message: expect.stringContaining("besides the seal's impression") as unknown });
      expect((await call('GET', `/api/verify/${impression.verificationCode}`)).json()).toMatchObject({ record: { countersignature: { status: 'awaiting' } } });
    });
  }

  it('refuses an impression that records no layout (an older app), and one whose QR sends readers elsewhere', async () => {
    const bare = await stamp(undefined, () => undefined);
    expect((await countersign(bare.impression.id, bare.signed)).json()).toMatchObject({ error: 'pdf_not_as_stamped', message: expect.stringContaining('records no layout') as unknown });
    const phishing = await stamp(undefined, (l) => ({ ...l, origin: 'https://seal-verify.example' }));
    expect((await countersign(phishing.impression.id, phishing.signed)).json()).toMatchObject({ error: 'pdf_not_as_stamped', message: expect.stringContaining('sends readers to https://seal-verify.example') as unknown });
  });

  it("countersigns the PDF the app's own stamping makes, and pdfsig finds both signatures valid", async () => {
    const { signed, impression } = await stamp();
    const answer = await countersign(impression.id, signed);
    expect(answer.statusCode, answer.body).toBe(200);
    const countersigned = Buffer.from(answer.json<{ pdf: string }>().pdf, 'base64');
    expect(countersigned.subarray(0, signed.length).equals(Buffer.from(signed))).toBe(true);
    const reports = await pdfsigReports(countersigned, (await call('GET', '/api/documents/ca')).json<{ certificate: string }>().certificate);
    expect(reports).toHaveLength(2);
    expect(reports[0]).toContain(`Signature Field Name: seal:eseal-1:${impression.id}`);
    for (const report of reports) expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(reports[1]).toContain('Certificate Validation: Certificate is Trusted.');
    expect((await call('GET', `/api/verify/${impression.verificationCode}`)).json()).toMatchObject({ record: { impression: { authorised: true }, countersignature: { status: 'present' } } });
  });
});
