import { ok, refuse, subjectOf, type ElectronicGrant, type Impression } from '@seal/shared';
import type { StampingContext } from '../../documents/stampElectronically';
import { useDirectory } from '../../org/DirectoryProvider';
import { useRequests } from '../../requests/RequestsProvider';
import { useSync } from '../../sync/SyncProvider';

/** What `stampElectronically` judges against and records into: this replica's records and store. */
export function useStampingContext(): Omit<StampingContext, 'db' | 'now'> {
  const sync = useSync();
  const requests = useRequests();
  const directory = useDirectory();
  const held = (grant: Pick<ElectronicGrant, 'requestId'>) => {
    const store = sync.store();
    const entry = requests.entry(grant.requestId);
    const roster = directory.directory()?.roster;
    return store === undefined || entry?.seal === undefined || roster === undefined ? undefined : { store, entry, seal: entry.seal, roster };
  };
  return {
    async records(grant) {
      const h = held(grant);
      if (h === undefined) return refuse('records_missing', `this tablet does not hold request "${grant.requestId}", its seal or the organisation's roster yet: sync once online`);
      const sealChanges = await h.store.query.facts('seal_status_change', { subject: subjectOf('seal', grant.sealId) });
      const impressions = await h.store.query.facts('impression', { subject: subjectOf('request', grant.requestId) });
      return ok({ request: h.entry.request, seal: h.seal, roster: h.roster, sealChanges, impressions });
    },
    async recordImpression(impression: Impression, grant: ElectronicGrant) {
      const h = held(impression);
      if (h === undefined) throw new Error(`request "${impression.requestId}" is no longer held here`);
      await h.store.facts.append('electronic_grant', grant, h.entry.request.unitId);
      await h.store.facts.append('impression', impression, h.entry.request.unitId);
    },
  };
}
