import type { DocumentScope } from 'nano';
import type { ConfiguredRoute, GovernanceRequest, OwnedRoute, UnitId } from '@seal/shared';

/**
 * `governance/route:<id>`: a route an administrator set (ADR 009), with the unit that answers for
 * it (`routeOwnerFor`: the setter's reach; absent on routes set before it was recorded, which the
 * organisation answers for: only HQ's administrators change those).
 */
export type RouteDoc = ConfiguredRoute & { readonly type: 'approval-route'; readonly removedAt?: number; readonly ownerUnitId?: UnitId };

/** `governance/request:<id>`: a governance request with its decisions (ADR 009). */
export type GovernanceDoc = GovernanceRequest & { readonly type: 'governance-request' };

export const routeDocId = (id: string): string => `route:${id}`;
export const governanceDocId = (id: string): string => `request:${id}`;

const strip = <T>(doc: T & { _id?: string; _rev?: string; type?: string }): T => {
  const { _id: _i, _rev: _r, type: _t, ...rest } = doc;
  return rest as T;
};

/** Reads of the governance database (writes go through the change journal, with their audit records). */
export interface GovernanceRepo {
  routes(): Promise<ConfiguredRoute[]>;
  /** The routes set (not removed), each with the unit that answers for it (`null`: recorded before owners were). */
  ownedRoutes(): Promise<OwnedRoute[]>;
  requests(): Promise<GovernanceRequest[]>;
  request(id: string): Promise<GovernanceRequest | undefined>;
}

async function listPrefix<T>(db: DocumentScope<object>, prefix: string): Promise<T[]> {
  const page = await db.list({ include_docs: true, startkey: prefix, endkey: `${prefix}\ufff0` });
  return page.rows.flatMap((row) => (row.doc ? [strip(row.doc as unknown as T & { _id?: string })] : []));
}

export function governanceRepo(db: DocumentScope<object>): GovernanceRepo {
  const ownedRoutes = async (): Promise<OwnedRoute[]> => {
    const docs = await listPrefix<ConfiguredRoute & { removedAt?: number; ownerUnitId?: UnitId }>(db, 'route:');
    return docs.filter((doc) => doc.removedAt === undefined).map(({ removedAt: _removed, ownerUnitId, ...route }) => ({ route, ownerUnitId: ownerUnitId ?? null }));
  };
  return {
    routes: async () => (await ownedRoutes()).map((owned) => owned.route),
    ownedRoutes,
    requests: () => listPrefix<GovernanceRequest>(db, 'request:'),
    async request(id) {
      const doc = await db.get(governanceDocId(id)).catch((error: { statusCode?: number }) => {
        if (error.statusCode === 404) return undefined;
        throw error;
      });
      return doc ? strip(doc as unknown as GovernanceRequest & { _id?: string }) : undefined;
    },
  };
}
