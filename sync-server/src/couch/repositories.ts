import type { Store } from './store';
import { SYNC_DATABASES, SYNC_DESIGN_DOCS } from './syncDatabases';
import { migrateDesignDocs } from './designDocs';
import { statusOf } from './docs';
import { UnverifiedDocumentError } from './macScope';
import { auditLog, type AuditLog } from './auditLog';
import { challengesRepo, type ChallengesRepo } from './challengesRepo';
import { credentialsRepo, type CredentialsRepo } from './credentialsRepo';
import { docRepo, withKeptList, type DocRepo, type KeptListRepo } from './docRepo';
import { evidenceArchive, type EvidenceArchive } from './evidenceArchive';
import { revocationsArchive, type RevocationsArchive } from './revocationsArchive';
import { invitationsRepo, type InvitationsRepo } from './invitationsRepo';
import { metaRepo, type MetaRepo } from './metaRepo';
import { sessionsRepo, type SessionsRepo } from './sessionsRepo';
import type { UnitDoc, UserDoc } from './model';

/** Logical databases; each is created (idempotently) at start, then given its design docs. */
export const DATABASES = ['meta', 'users', 'units', 'credentials', 'sessions', 'challenges', 'invitations', 'audit', 'cases', 'certificates', 'scans', 'governance', ...SYNC_DATABASES] as const;

/** Every repository the HTTP layer uses, over one store. */
export interface Repositories {
  readonly meta: MetaRepo;
  /** The people who may sign in: profile, roles and whether they are disabled. */
  readonly users: DocRepo<UserDoc>;
  /** The organisation tree: headquarters at the root, branches and sites below. */
  readonly units: KeptListRepo<UnitDoc>;
  readonly credentials: CredentialsRepo;
  readonly sessions: SessionsRepo;
  readonly challenges: ChallengesRepo;
  readonly invitations: InvitationsRepo;
  readonly audit: AuditLog;
  /** Signed rosters, bindings and time records as issued: what evidence bundles carry. */
  readonly archive: EvidenceArchive;
  /** The signed revocation lists as issued (the newest is in force). */
  readonly revocations: RevocationsArchive;
}

export function openRepositories(store: Store, now: () => number): Repositories {
  const db = <T>(logical: (typeof DATABASES)[number]) => store.couch.use<T>(store.dbName(logical));
  return {
    meta: metaRepo(db('meta')),
    users: docRepo<UserDoc>(db('users')),
    units: withKeptList(db<UnitDoc>('units'), docRepo<UnitDoc>(db('units'))),
    credentials: credentialsRepo(db('credentials')),
    sessions: sessionsRepo(db('sessions')),
    challenges: challengesRepo(db('challenges')),
    invitations: invitationsRepo(db('invitations')),
    audit: auditLog(db('audit'), now),
    archive: evidenceArchive(db('meta')),
    revocations: revocationsArchive(db('meta')),
  };
}

/**
 * Creates the databases and design documents this server needs (a no-op when they are current),
 * then checks that the store's setup record is this server's: one whose MAC fails means the store
 * was written under another key (a second instance without the shared STORE_MAC_KEY_PATH), before
 * documents carried MACs, or forged — running on would hide every document or reopen setup.
 */
export async function prepareStore(store: Store): Promise<void> {
  await store.ensureDatabases(DATABASES);
  await migrateDesignDocs(store);
  await migrateDesignDocs(store, SYNC_DESIGN_DOCS);
  try {
    await store.couch.use(store.dbName('meta')).get('setup');
  } catch (error) {
    if (error instanceof UnverifiedDocumentError) {
      throw new Error(`the store holds a setup record that does not carry this server's MAC: it was written under another key, before store MACs existed, or by someone else. Point STORE_MAC_KEY_PATH at the key the store was written with, or start on an empty store`, { cause: error });
    }
    if (statusOf(error) !== 404) throw error;
  }
}
