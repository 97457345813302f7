import { createEffect, type Accessor } from 'solid-js';
import { unwrap } from 'solid-js/store';
import type { Grant, GrantRefusal, Result, Roster } from '@seal/shared';
import type { LocalStore } from '../store/localStore';
import { verdictOf, type RequestEntry } from './requestBook';

/**
 * Grants are issued from the store, never from a screen: whenever the facts held change, the app
 * of the requester, and of every approver who approved, issues the grant of each approved request
 * that has no valid grant yet (`issueGrant`, deterministic: every one of them issues the same
 * grant, one fact). So the site tablet gets it by whichever path syncs first, and what synced
 * while an approver was signing (a withdrawal, a veto, a suspended seal) is always taken into
 * account: the request must still be `approved` by `deriveRequestStatus`.
 */

/** Whether this user's app issues grants for the entry: their own request, or one they approved. */
const issuesFor = (entry: RequestEntry, userId: string): boolean => entry.request.requesterId === userId || verdictOf(entry, userId) === 'approve';

/**
 * A held grant judged by the shared rule (`judgeGrant`) against this replica's records and
 * roster; a refusal when the request or its seal is not held here.
 */
export async function judgeHeldGrant(entry: RequestEntry, roster: Roster, grant: Grant): Promise<Result<unknown, GrantRefusal>> {
  if (entry.seal === undefined) return { ok: false, error: { code: 'grant_wrong_seal', message: `seal "${entry.request.sealId}" of request "${entry.request.id}" is not held here` } };
  const { judgeGrant } = await import('./passkeyRules');
  return judgeGrant(grant, { request: entry.request, seal: entry.seal, roster });
}

/** The approved requests whose grant this user's app should issue now (no valid grant held is checked by `issueMissingGrant`). */
export function grantCandidates(entries: readonly RequestEntry[], userId: string): RequestEntry[] {
  return entries.filter((e) => e.view?.status === 'approved' && (e.seal?.form === 'electronic' || (e.seal?.form === 'physical' && e.seal.deviceId !== null)) && issuesFor(e, userId));
}

/** What issuing came to for one request. */
export type IssueOutcome = 'issued' | 'held' | GrantRefusal;

/**
 * Issues and records the grant of one approved request, unless a valid one is held already. A
 * refusal says why none can be issued (e.g. an approval the roster no longer honours).
 */
export async function issueMissingGrant(store: LocalStore, entry: RequestEntry, roster: Roster): Promise<IssueOutcome> {
  if (entry.seal === undefined) return { code: 'grant_wrong_seal', message: `seal "${entry.request.sealId}" is not held here` };
  const records = { request: entry.request, seal: entry.seal, roster };
  const { issueElectronicGrant, issueGrant, judgeElectronicGrant } = await import('./passkeyRules');
  if (entry.seal.form === 'electronic') {
    // An electronic seal: the grant binds the approved document's hash and no device (ADR 008).
    for (const held of entry.electronicGrants) if ((await judgeElectronicGrant(held, records)).ok) return 'held';
    const grant = await issueElectronicGrant(records, entry.decisions);
    if (!grant.ok) return grant.error;
    await store.facts.append('electronic_grant', grant.value, entry.request.unitId);
    return 'issued';
  }
  for (const held of entry.grants) if ((await judgeHeldGrant(entry, roster, held)).ok) return 'held';
  const grant = await issueGrant(records, entry.decisions);
  if (!grant.ok) return grant.error;
  await store.facts.append('grant', grant.value, entry.request.unitId);
  return 'issued';
}

/** What the issuer follows: the store, who is signed in, the roster held and the entries derived from the store. */
export interface GrantIssuingInputs {
  readonly store: Accessor<LocalStore | undefined>;
  readonly userId: Accessor<string | undefined>;
  readonly roster: Accessor<Roster | undefined>;
  readonly entries: Accessor<readonly RequestEntry[]>;
}

/**
 * The app's part in issuing grants, kept apart from any screen: `consider` is called whenever what
 * the store holds changes, and looks at a request again only when its decisions, its grants or
 * the roster changed since (judging and issuing verify signatures). Idempotent: a request being
 * issued is not issued again meanwhile, and the grant is content-addressed (recording it twice,
 * here or on another replica, is one fact).
 */
export class GrantIssuer {
  #store: LocalStore | undefined;
  /** Per request: what it was last looked at with. */
  readonly #settled = new Map<string, string>();

  constructor(private readonly log: Pick<Console, 'info' | 'warn'> = console) {}

  consider(store: LocalStore, entries: readonly RequestEntry[], userId: string, roster: Roster): void {
    if (store !== this.#store) {
      this.#store = store;
      this.#settled.clear();
    }
    for (const entry of grantCandidates(entries, userId)) {
      const key = [roster.version, ...entry.decisions.map((d) => d.id), '/', ...entry.grants.map((g) => g.id), ...entry.electronicGrants.map((g) => g.id)].join(' ');
      if (this.#settled.get(entry.id) === key) continue;
      this.#settled.set(entry.id, key);
      // A snapshot: the entry is live state (a solid store) that may change while this runs.
      const snapshot = structuredClone(unwrap(entry));
      issueMissingGrant(store, snapshot, roster)
        .then((outcome) => {
          if (typeof outcome !== 'string') this.log.info(`No grant for request "${entry.id}" yet: ${outcome.code}: ${outcome.message}`);
        })
        .catch((err: unknown) => {
          if (this.#settled.get(snapshot.id) === key) this.#settled.delete(snapshot.id); // try again with the next change
          this.log.warn(`Could not record the grant of request "${snapshot.id}"`, err);
        });
    }
  }
}

/**
 * Issues grants from the store for as long as the owner lives (the app: `RequestsProvider`),
 * whatever screen is open: when one of the signed-in user's requests (or one they approved) is
 * approved and no valid grant is held, it assembles the grant (deterministic, so the same one
 * every such app assembles) and records it, so that the site tablet gets it by whichever path
 * syncs first.
 */
export function createGrantIssuing(inputs: GrantIssuingInputs): void {
  const issuer = new GrantIssuer();
  createEffect(() => {
    const store = inputs.store();
    const userId = inputs.userId();
    const roster = inputs.roster();
    if (store === undefined || userId === undefined || roster === undefined) return;
    issuer.consider(store, inputs.entries(), userId, roster);
  });
}
