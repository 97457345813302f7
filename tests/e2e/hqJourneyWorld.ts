/**
 * The history of the headquarters journey, seeded over HTTP against the running server in
 * seconds: the organisation (华建集团 → 华东分公司 → two sites), a custodian, a staff member and an
 * approver with software passkeys; at site A a real stamp with its photo and then three presses
 * on the locked seal (a burst of refusals); at site B a generated history with planted tamper and
 * over-use anomalies, written into the store as replication would leave it. The auditor gets an
 * invitation only: they join in the browser, with a passkey of their own.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_ANOMALY_RULES, type AnomalyRules } from '@seal/shared';
import { generateHistory } from '@seal/shared/testing';
import { connectStore } from '../../sync-server/src/couch/store';
import { urlWithCredential, type StoreCredential } from '../../sync-server/src/couch/storeCredential';
import { loadOrCreateStoreMac } from '../../sync-server/src/couch/storeMac';
import { storeHistory } from '../../sync-server/src/testing/storeHistory';
import { seedEvidence, type SeededEvidence } from '../integration/evidenceSeed';
import { httpOrganisation } from '../integration/httpWorld';
import type { RunningServer } from './harness';
import { setupCodeFrom } from './setupCode';

export const NAMES = {
  organisation: '华建集团',
  admin: 'Wang Admin',
  branch: '华东分公司',
  siteA: '上海一号项目部',
  siteB: '苏州二号项目部',
  custodian: 'Zhao Keeper',
  staff: 'Qian Staff',
  approver: 'Li Approver',
  auditor: 'Sun Auditor',
  seal: '项目部合同专用章',
} as const;

const FENCE = { lat: 31.2304, lon: 121.4737, radiusM: 300 };

export interface HqJourneyWorld {
  readonly hqId: string;
  readonly siteA: string;
  readonly siteB: string;
  readonly deviceId: string;
  readonly sealId: string;
  readonly documentSha256: string;
  readonly seeded: SeededEvidence;
  /** The anomaly kinds the generator planted at site B. */
  readonly plantedKinds: readonly string[];
  /** An invitation code for the auditor (HQ, role auditor). */
  readonly auditorInvitation: string;
  /** The administrator's session cookie (`name=value`), for a browser context that starts signed in. */
  readonly adminCookie: string;
}

/** The running server's embedded store, reached as the server reaches it (its address, credential and MAC key). */
async function storeOf(server: RunningServer) {
  const address = /embedded at (http:\/\/127\.0\.0\.1:\d+)/.exec(server.output())?.[1];
  if (address === undefined) throw new Error(`the server printed no embedded store address:\n${server.output()}`);
  const credential = JSON.parse(await readFile(join(server.dataDir, 'store-credential.json'), 'utf8')) as StoreCredential;
  const mac = await loadOrCreateStoreMac(join(server.dataDir, 'store-mac.key'));
  return connectStore(urlWithCredential(address, credential), 'embedded', 'sealctl_', mac);
}

export async function seedHqJourney(server: RunningServer): Promise<HqJourneyWorld> {
  const org = await httpOrganisation(server.url, setupCodeFrom(server.output()), { organisation: NAMES.organisation, admin: NAMES.admin });
  const hqId = org.admin.rootUnitId;
  const branch = await org.unit(hqId, NAMES.branch, 'branch');
  const siteA = await org.unit(branch, NAMES.siteA, 'site', FENCE);
  const siteB = await org.unit(branch, NAMES.siteB, 'site');
  const custodian = await org.person(siteA, ['custodian'], NAMES.custodian);
  const staff = await org.person(siteA, ['staff'], NAMES.staff);
  const approver = await org.person(branch, ['approver'], NAMES.approver);
  // Work may happen at any hour (the test runs at any hour): off-hours use is no anomaly here.
  const rules: AnomalyRules = { ...DEFAULT_ANOMALY_RULES, workingHours: { ...DEFAULT_ANOMALY_RULES.workingHours, days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' } };
  await org.api.call('PUT', '/api/hq/anomaly-rules', org.admin.cookie, rules);

  const deviceId = 'dev-sh-01';
  const sealId = 'seal-sh-contract';
  const documentSha256 = 'cd'.repeat(32);
  const seeded = await seedEvidence(org.api, { custodian, staff, approver }, {
    siteId: siteA, fence: FENCE, deviceId, seal: { id: sealId, name: NAMES.seal }, document: { title: '分包合同 Subcontract', sha256: documentSha256 }, refusedPresses: 3,
    // Running, 10 s slow: the server's time record (issued, then carried over) must be ahead of the
    // device's clock when it arrives (a device clock is never set back), and within the skew tolerance.
    clock: { offsetMs: -10_000, manual: false },
  });

  const generated = await generateHistory({ seed: 7, branches: 1, sitesPerBranch: 1, devicesPerSite: 3, weeks: 2, siteUnits: [siteB], plants: ['tamper', 'over_use'] });
  await storeHistory({ store: await storeOf(server) }, generated.history, generated.photoBytes);
  const auditorInvitation = await org.invitation(hqId, ['auditor'], NAMES.auditor);
  return { hqId, siteA, siteB, deviceId, sealId, documentSha256, seeded, plantedKinds: [...new Set(generated.planted.map((p) => p.kind))].sort(), auditorInvitation, adminCookie: org.admin.cookie };
}
