import type { SyncRow } from '@seal/shared';
import { RowsPartlyWritten, type RowsRepo } from './rowsRepo';

/**
 * Told of rows the store took for the first time: facts and changes a push was answered
 * `accepted` for, and the alarms and resolutions the server raised (pushRows, auditDeviceLogs).
 * A row the store already held (a retry, another replica's copy) is never reported again, so a
 * listener sees each row once per server that wrote it — once in all.
 */
export type AcceptedRowsListener = (rows: readonly SyncRow[]) => Promise<void>;

/**
 * `repo`, reporting what each `createMany` wrote to `listener` before it resolves. The listener's
 * failure is reported to `onError`, never to the writer: a push is not refused because a
 * notification could not be queued.
 */
export function reportingAcceptedRows(repo: RowsRepo, listener: AcceptedRowsListener, onError: (error: unknown) => void): RowsRepo {
  return {
    ...repo,
    async createMany(rows, origin) {
      let outcomes;
      try {
        outcomes = await repo.createMany(rows, origin);
      } catch (error) {
        // Those stored before the write failed are new to the store all the same: told now, as
        // the retry will find them held.
        if (error instanceof RowsPartlyWritten && error.written.length > 0) await listener(error.written).catch(onError);
        throw error;
      }
      const written = rows.filter((_, i) => outcomes[i] === 'written');
      if (written.length > 0) await listener(written).catch(onError);
      return outcomes;
    },
  };
}
