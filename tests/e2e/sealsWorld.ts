/**
 * The organisation the seal browser tests and screenshots start from: an administrator who set it
 * up, a site, a custodian at the site and an auditor at HQ (each with their own passkey, joined
 * through the real screens), and a smart-seal device registered at the site from a Node replica
 * signed in as the custodian — as a custodian's tablet does after connecting the device.
 */
import type { Browser } from 'playwright-core';
import { createSealDevice, MemoryKeys, MemoryStorage, MemoryTransport, SealDeviceClient, SimulatedClock, SimulatedHardware } from '@seal/device-bridge';
import type { DeviceId, P256PublicJwk } from '@seal/shared';
import { registerDevice } from '../../app/src/device/registerDevice';
import { replicaOf } from './replicas';
import type { RunningServer } from './harness';
import { invite, newPerson, pageFetch, organisationWithSite, type Locale, type Person } from './people';

export interface SealsWorld {
  readonly admin: Person;
  readonly custodian: Person;
  readonly auditor: Person;
  readonly hqId: string;
  readonly siteId: string;
  readonly adminId: string;
  readonly custodianId: string;
  readonly auditorId: string;
  readonly deviceId: string;
}

export interface SealsWorldOptions {
  readonly names: { readonly admin: string; readonly custodian: string; readonly auditor: string; readonly site: string };
  readonly locales: { readonly admin: Locale; readonly custodian: Locale; readonly auditor: Locale };
  readonly deviceId: string;
  /** Every person opened is added here (the caller closes their contexts, or the browser). */
  readonly people: Person[];
}


export async function setUpSealsWorld(browser: Browser, server: RunningServer, options: SealsWorldOptions): Promise<SealsWorld> {
  const person = async (locale: Locale): Promise<Person> => {
    const p = await newPerson(browser, locale);
    options.people.push(p);
    return p;
  };
  const { admin, adminUser, hqId, siteId } = await organisationWithSite(browser, server, { admin: options.names.admin, site: options.names.site }, { lat: 31.2304, lon: 121.4737, radiusM: 300 }, options.locales.admin);
  options.people.push(admin);
  const custodian = await person(options.locales.custodian);
  const custodianUser = await invite(admin, custodian, server.url, siteId, ['custodian'], options.names.custodian);
  const auditor = await person(options.locales.auditor);
  const auditorUser = await invite(admin, auditor, server.url, hqId, ['auditor'], options.names.auditor);

  // A reference device, provisioned with the organisation's key, registered at the site by the custodian.
  const orgKey = (await pageFetch<{ publicJwk: P256PublicJwk }>(admin.page, '/api/org-key')).body;
  const device = await createSealDevice({ storage: new MemoryStorage(), clock: new SimulatedClock(Date.now()), hardware: new SimulatedHardware({ batteryPercent: 90 }), keys: new MemoryKeys() });
  const client = new SealDeviceClient(new MemoryTransport(device.gatt, { frameSize: 185 }));
  await client.provision(options.deviceId as DeviceId, orgKey.publicJwk);
  const tablet = await replicaOf(server, custodian, custodianUser.id, 'custodian-tablet');
  try {
    await registerDevice(tablet.store, await client.info(), siteId);
    await tablet.start({ live: false }).awaitInSync();
    const refusals = tablet.store.status.get().refusals;
    if (refusals.length > 0) throw new Error(`the device registration was refused: ${JSON.stringify(refusals)}`);
  } finally {
    await tablet.close();
    await client.transport.close();
  }
  return { admin, custodian, auditor, hqId, siteId, adminId: adminUser.id, custodianId: custodianUser.id, auditorId: auditorUser.id, deviceId: options.deviceId };
}
