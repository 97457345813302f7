import type { ServerConfig } from './config';
import type { Repositories } from './couch/repositories';
import type { OrgKey } from './auth/orgKey';
import type { ChangeJournal } from './couch/changeJournal';
import type { RowAudits } from './couch/rowAudits';

/** What every route and auth helper is given: configuration, the store's repositories, the org key, the clock. */
export interface ServerContext {
  readonly config: ServerConfig;
  readonly repos: Repositories;
  /** Writes an administrative change and its audit records together (see `ChangeJournal`). */
  readonly changes: ChangeJournal;
  /** Chains the audit records of pushed rows (seal and device records, seal moves) with their write (see `RowAudits`). */
  readonly rowAudits: RowAudits;
  readonly orgKey: OrgKey;
  /** The clock (milliseconds); tests move it to expire sessions, challenges and invitations. */
  readonly now: () => number;
}
