/** Node replicas acting as the people of browser tests. */
import { openReplica, type Replica } from '../integration/harness';
import type { RunningServer } from './harness';
import type { Person } from './people';

/** A Node replica (RxDB on fake-indexeddb) signed in with `person`'s browser session: it pushes as them. */
export async function replicaOf(server: Pick<RunningServer, 'url'>, person: Person, userId: string, name: string): Promise<Replica> {
  const cookie = (await person.context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  return openReplica(server.url, { userId, cookie, credentialId: '', authenticator: undefined as never }, name);
}
