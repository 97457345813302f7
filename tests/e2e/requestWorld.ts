/**
 * The organisation the request tests and screenshots start from: an administrator (set up through
 * the UI), a site with a geofence, an approver at HQ (who may also apply), staff at the site, and
 * a physical contract seal in a seal device at the site, made by the administrator's Node replica
 * (the seal screens are built elsewhere). Plus the new-request form, filled by its field ids.
 */
import { createHash } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { createSeal, type NewSeal, type OrgUnit, type User } from '@seal/shared';
import type { RunningServer } from './harness';
import { deviceRecord, holdingSeal } from '../integration/fixtures';
import { replicaOf } from './replicas';
import { invite, newPerson, organisationWithSite, type Locale, type Person, type SessionUser } from './people';

export const SITE_FENCE = { lat: 31.2304, lon: 121.4737, radiusM: 300 };
export const SEAL_ID = 'seal-site3-contract';
export const DEVICE_ID = 'dev-site3-0001';

export interface RequestWorld {
  readonly admin: Person;
  readonly adminUser: SessionUser;
  readonly approver: Person;
  readonly approverUser: SessionUser;
  readonly staff: Person;
  readonly staffUser: SessionUser;
  readonly hqId: string;
  readonly siteId: string;
}

export interface WorldNames {
  readonly admin: string;
  readonly approver: string;
  readonly staff: string;
  readonly site: string;
  readonly seal: string;
}


/** Sets up the organisation, the site, the approver (approver + staff at HQ) and staff at the site. */
export async function setUpRequestWorld(browser: Browser, server: RunningServer, names: WorldNames, locale: Locale = 'en'): Promise<RequestWorld> {
  const { admin, adminUser, hqId, siteId } = await organisationWithSite(browser, server, { admin: names.admin, site: names.site }, SITE_FENCE, locale);
  const approver = await newPerson(browser, locale);
  const approverUser = await invite(admin, approver, server.url, hqId, ['approver', 'staff'], names.approver);
  const staff = await newPerson(browser, locale);
  const staffUser = await invite(admin, staff, server.url, siteId, ['staff'], names.staff);
  await createSiteSeal(server, { admin, adminUser, hqId, siteId }, names);
  return { admin, adminUser, approver, approverUser, staff, staffUser, hqId, siteId };
}

/**
 * The administrator's replica makes the site's contract seal (record + its creation fact, as
 * `createSeal` builds them), bound to a seal device registered there first, kept by the
 * administrator, and pushes it.
 */
async function createSiteSeal(server: RunningServer, world: Pick<RequestWorld, 'admin' | 'adminUser' | 'hqId' | 'siteId'>, names: WorldNames): Promise<void> {
  const now = Date.now();
  const units = [
    { id: world.hqId, name: 'HQ', kind: 'hq', parentId: null },
    { id: world.siteId, name: names.site, kind: 'site', parentId: world.hqId, geofence: SITE_FENCE },
  ] as unknown as OrgUnit[];
  const actor = { id: world.adminUser.id, name: names.admin, unitId: world.hqId, grants: [{ role: 'admin', unitId: world.hqId }], active: true } as unknown as User;
  const input = {
    id: SEAL_ID, name: names.seal, kind: 'contract', form: 'physical', unitId: world.siteId, custodianId: world.adminUser.id,
    createdAt: now, antiCounterfeitCode: '3301020012345', deviceId: DEVICE_ID,
  } as unknown as NewSeal;
  const made = createSeal(input, actor, 'New contract seal for the site', now, units);
  if (!made.ok) throw new Error(made.error.message);
  const { status: _status, ...record } = made.value.seal;
  const tablet = await replicaOf(server, world.admin, world.adminUser.id, 'e2e-admin-seals');
  try {
    // The device is registered first (the server takes a seal only in a device on record), and
    // its record names the seal back, as the app writes it (the server signs a binding only then).
    await tablet.store.records.create('device', await deviceRecord(DEVICE_ID, world.siteId) as never);
    await tablet.store.records.create('seal', record, [], [holdingSeal(DEVICE_ID, SEAL_ID)]);
    await tablet.store.facts.append('seal_status_change', made.value.change, world.siteId);
    await tablet.start({ live: false }).awaitInSync();
    const refusals = tablet.store.status.get().refusals;
    if (refusals.length > 0) throw new Error(`seal refused: ${JSON.stringify(refusals)}`);
  } finally {
    await tablet.close();
  }
}

export interface RequestFields {
  readonly fileName: string;
  readonly fileText: string;
  readonly pages: number;
  readonly copies: number;
  readonly purpose: string;
  readonly uses: number;
}

/** The SHA-256 (hex) of a document's text, as the browser computes it from the file. */
export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** On /requests/new: chooses the site seal once it has synced, picks the file and types the rest (no submit). */
export async function fillRequestForm(page: Page, fields: RequestFields, sealId: string = SEAL_ID): Promise<void> {
  await page.locator(`#request-seal option[value="${sealId}"]`).waitFor({ state: 'attached', timeout: 30_000 });
  await page.locator('#request-seal').selectOption(sealId);
  await page.locator('#request-file').setInputFiles({ name: fields.fileName, mimeType: 'application/pdf', buffer: Buffer.from(fields.fileText) });
  await page.locator('[data-testid="document-sha256"]', { hasText: sha256Hex(fields.fileText) }).waitFor();
  await page.locator('#request-pages').fill(String(fields.pages));
  await page.locator('#request-copies').fill(String(fields.copies));
  await page.locator('#request-purpose').fill(fields.purpose);
  await page.locator('#request-uses').fill(String(fields.uses));
}

/** Submits the form and waits for the request's page; returns the new request's id. */
export async function submitRequestForm(page: Page): Promise<string> {
  await page.locator('.request-form button[type="submit"]').click();
  await page.waitForURL(/\/requests\/req-[0-9a-f-]+/);
  await page.getByTestId('request-terms').waitFor();
  return /\/requests\/(req-[0-9a-f-]+)/.exec(page.url())![1]!;
}
