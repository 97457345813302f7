import { createUnit, inviteAndRegister, setUpOrganisation, startTestServer, startTestStore, type TestServer } from './testServer';

/** The HQ system administrator that first-start setup created. */
export type TestAdmin = Awaited<ReturnType<typeof setUpOrganisation>>;
/** A person who registered a passkey with an invitation. */
export type TestPerson = Awaited<ReturnType<typeof inviteAndRegister>>;

/**
 * The organisation most route tests start from: a fresh server and store, HQ with its admin, and
 * two branches under HQ (East and West), so a test can check what is in and out of a subtree.
 */
export interface TestOrganisation {
  readonly server: TestServer;
  readonly admin: TestAdmin;
  readonly east: string;
  readonly west: string;
  /** Invites a person to `unitId` with `roles` (as the HQ admin) and registers their first passkey. */
  invite(unitId: string, roles: string[], name: string): Promise<TestPerson>;
  /** Stops the server and removes the store. */
  close(): Promise<void>;
}

/** Starts a {@link TestOrganisation} on its own store (call from `beforeAll`, close in `afterAll`). */
export async function startTestOrganisation(): Promise<TestOrganisation> {
  const testStore = await startTestStore();
  let started: TestServer | undefined;
  try {
    const server = started = await startTestServer(testStore);
    const admin = await setUpOrganisation(server);
    const east = await createUnit(server, admin.cookie, admin.rootUnitId, 'East branch');
    const west = await createUnit(server, admin.cookie, admin.rootUnitId, 'West branch');
    return {
      server, admin, east, west,
      invite: (unitId, roles, name) => inviteAndRegister(server, admin.cookie, unitId, roles, name),
      async close() {
        await server.close();
        await testStore.close();
      },
    };
  } catch (error) {
    // A half-started organisation must not leave its store (or server) behind for the next file.
    await started?.close();
    await testStore.close();
    throw error;
  }
}
