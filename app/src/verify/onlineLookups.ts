import { fetchVerifiedRecord, verifyPdfHash } from '../api/verify';
import type { StampLookups } from './lookup';

/** Lookups answered by the organisation's server (the public verification API). */
export function onlineLookups(now: () => number = Date.now): StampLookups['online'] {
  const source = () => ({ from: 'server' as const, at: now() });
  return {
    async byInput(input) {
      const record = await fetchVerifiedRecord(input.code);
      return record === null ? null : { record, source: source() };
    },
    async byPdfHash(sha256) {
      const answer = await verifyPdfHash(sha256);
      return answer.match === 'none' || answer.record === null ? null : { record: answer.record, source: source() };
    },
  };
}
