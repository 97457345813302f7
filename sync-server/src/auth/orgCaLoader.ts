import { join } from 'node:path';
import type { Issuer } from '@seal/shared';
import { loadOrCreateOrgCa } from './orgCa';
import type { ServerContext } from '../context';

const loaded = new WeakMap<ServerContext, Promise<Issuer>>();

/** The organisation CA of this server (ORG_CA_PATH), loaded — or made, on first start — once per server. */
export function orgCaOf(ctx: ServerContext): Promise<Issuer> {
  let ca = loaded.get(ctx);
  if (!ca) {
    ca = loadOrCreateOrgCa(ctx.config.orgCaPath ?? join(ctx.config.dataDir, 'org-ca.pem'), ctx.config.rpName, ctx.now());
    ca.catch(() => loaded.delete(ctx));
    loaded.set(ctx, ca);
  }
  return ca;
}
