import type { ServerConfig } from './config';
import type { Repositories } from './couch/repositories';
import type { OrgKey } from './auth/orgKey';

/** What every route and auth helper is given: configuration, the store's repositories, the org key, the clock. */
export interface ServerContext {
  readonly config: ServerConfig;
  readonly repos: Repositories;
  readonly orgKey: OrgKey;
  /** The clock (milliseconds); tests move it to expire sessions, challenges and invitations. */
  readonly now: () => number;
}
