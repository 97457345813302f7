import type { Store } from './store';
import { SYNC_DATABASES, SYNC_DESIGN_DOCS } from '../sync/databases';
import { migrateDesignDocs } from './designDocs';
import { auditLog, type AuditLog } from './auditLog';
import { challengesRepo, type ChallengesRepo } from './challengesRepo';
import { credentialsRepo, type CredentialsRepo } from './credentialsRepo';
import { docRepo, type DocRepo } from './docRepo';
import { invitationsRepo, type InvitationsRepo } from './invitationsRepo';
import { metaRepo, type MetaRepo } from './metaRepo';
import { sessionsRepo, type SessionsRepo } from './sessionsRepo';
import type { UnitDoc, UserDoc } from './model';

/** Logical databases; each is created (idempotently) at start, then given its design docs. */
export const DATABASES = ['meta', 'users', 'units', 'credentials', 'sessions', 'challenges', 'invitations', 'audit', ...SYNC_DATABASES] as const;

/** Every repository the HTTP layer uses, over one store. */
export interface Repositories {
  readonly meta: MetaRepo;
  /** The people who may sign in: profile, roles and whether they are disabled. */
  readonly users: DocRepo<UserDoc>;
  /** The organisation tree: headquarters at the root, branches and sites below. */
  readonly units: DocRepo<UnitDoc>;
  readonly credentials: CredentialsRepo;
  readonly sessions: SessionsRepo;
  readonly challenges: ChallengesRepo;
  readonly invitations: InvitationsRepo;
  readonly audit: AuditLog;
}

export function openRepositories(store: Store, now: () => number): Repositories {
  const db = <T>(logical: (typeof DATABASES)[number]) => store.couch.use<T>(store.dbName(logical));
  return {
    meta: metaRepo(db('meta')),
    users: docRepo<UserDoc>(db('users')),
    units: docRepo<UnitDoc>(db('units')),
    credentials: credentialsRepo(db('credentials')),
    sessions: sessionsRepo(db('sessions')),
    challenges: challengesRepo(db('challenges')),
    invitations: invitationsRepo(db('invitations')),
    audit: auditLog(db('audit'), now),
  };
}

/** Creates the databases and design documents this server needs; a no-op when they are current. */
export async function prepareStore(store: Store): Promise<void> {
  await store.ensureDatabases(DATABASES);
  await migrateDesignDocs(store);
  await migrateDesignDocs(store, SYNC_DESIGN_DOCS);
}
