import type { DocumentScope } from 'nano';
import { createDoc, getDoc, isConflict, updateDoc } from './docs';
import type { RosterVersionDoc, SetupDoc } from './model';

/** Singletons: the bootstrap state and the roster version. */
export interface MetaRepo {
  getSetup(): Promise<SetupDoc | undefined>;
  /**
   * Replaces the pending setup code (a restart before setup); refuses once setup is done unless
   * `reopen` (setup was claimed but its administrator was never written: a crash mid-setup).
   */
  putPendingSetup(codeHash: string, now: number, reopen?: boolean): Promise<'issued' | 'already_done'>;
  /** Completes setup exactly once; `false` if it was already done or the code was replaced. */
  completeSetup(codeHash: string, done: Pick<SetupDoc, 'adminUserId' | 'rootUnitId'>, now: number): Promise<boolean>;
  rosterVersion(): Promise<number>;
  /** Increments the roster version (conflict-safe across servers) and returns the new one. */
  bumpRosterVersion(now: number): Promise<number>;
}

type MetaDoc = SetupDoc | RosterVersionDoc;

export function metaRepo(db: DocumentScope<MetaDoc>): MetaRepo {
  const setupDb = db as DocumentScope<SetupDoc>;
  const rosterDb = db as DocumentScope<RosterVersionDoc>;
  return {
    async getSetup() {
      const doc = await getDoc(setupDb, 'setup');
      if (!doc) return undefined;
      const { _id: _i, _rev: _r, ...setup } = doc;
      return setup;
    },
    async putPendingSetup(codeHash, now, reopen = false) {
      const fresh: SetupDoc = { type: 'setup', state: 'pending', codeHash, issuedAt: now };
      for (let attempt = 0; attempt < 8; attempt++) {
        const stored = await getDoc(setupDb, 'setup');
        if (stored?.state === 'done' && !reopen) return 'already_done';
        try {
          await setupDb.insert({ ...fresh, _id: 'setup', ...(stored ? { _rev: stored._rev } : {}) });
          return 'issued';
        } catch (error) {
          if (!isConflict(error)) throw error;
        }
      }
      throw new Error('could not store the setup code: too many concurrent writers');
    },
    async completeSetup(codeHash, done, now) {
      let completed = false;
      await updateDoc(setupDb, 'setup', (setup) => {
        completed = setup.state === 'pending' && setup.codeHash === codeHash;
        return completed ? { ...setup, ...done, state: 'done' as const, doneAt: now } : undefined;
      });
      return completed;
    },
    async rosterVersion() {
      return (await getDoc(rosterDb, 'roster'))?.version ?? 0;
    },
    async bumpRosterVersion(now) {
      for (;;) {
        const first: RosterVersionDoc = { type: 'roster-version', version: 1, changedAt: now };
        if (await createDoc(rosterDb, 'roster', first)) return 1;
        let version = 0;
        const changed = await updateDoc(rosterDb, 'roster', (doc) => {
          version = doc.version + 1;
          return { ...doc, version, changedAt: now };
        });
        if (changed) return version;
      }
    },
  };
}
