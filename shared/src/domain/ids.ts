import { z } from 'zod';

/**
 * Ids of records chosen by their creator (UUIDs, slugs, content hashes): 1–128 characters of
 * `A-Z a-z 0-9 . _ -`. No `:` — that separates the parts of the composite keys of facts keyed by
 * their origin (e.g. `deviceId:seq`), which stay unambiguous because of it.
 */
const RECORD_ID = /^[A-Za-z0-9._-]{1,128}$/;
/** Fact ids: record ids, or composite keys joining record ids, numbers and words with `:`. */
const FACT_ID = /^[A-Za-z0-9._:-]{1,512}$/;

const recordId = () =>
  z.string().regex(RECORD_ID, { message: 'expected an id of 1–128 characters from A-Z a-z 0-9 . _ -' });
const factId = () =>
  z.string().regex(FACT_ID, { message: 'expected a fact id of 1–512 characters from A-Z a-z 0-9 . _ - :' });

/** An organisation unit (HQ, branch, project site). */
export const unitIdSchema = recordId().brand<'UnitId'>();
export type UnitId = z.infer<typeof unitIdSchema>;

/** A person with an account. */
export const userIdSchema = recordId().brand<'UserId'>();
export type UserId = z.infer<typeof userIdSchema>;

/** A seal, physical or electronic. */
export const sealIdSchema = recordId().brand<'SealId'>();
export type SealId = z.infer<typeof sealIdSchema>;

/** A smart-seal device (the portable Bluetooth case a physical seal is locked in). */
export const deviceIdSchema = recordId().brand<'DeviceId'>();
export type DeviceId = z.infer<typeof deviceIdSchema>;

/** A use request (用印申请). */
export const requestIdSchema = recordId().brand<'RequestId'>();
export type RequestId = z.infer<typeof requestIdSchema>;

/** An approval route. */
export const routeIdSchema = recordId().brand<'RouteId'>();
export type RouteId = z.infer<typeof routeIdSchema>;

/** A decision: content-addressed (see `contentId`). */
export const decisionIdSchema = factId().brand<'DecisionId'>();
export type DecisionId = z.infer<typeof decisionIdSchema>;

/** A grant: content-addressed (see `contentId`). */
export const grantIdSchema = factId().brand<'GrantId'>();
export type GrantId = z.infer<typeof grantIdSchema>;

/** A cancellation: keyed by origin (see `cancellationId`). */
export const cancellationIdSchema = factId().brand<'CancellationId'>();
export type CancellationId = z.infer<typeof cancellationIdSchema>;

/** A seal lifecycle change: keyed by origin (see `sealStatusChangeId`). */
export const sealStatusChangeIdSchema = factId().brand<'SealStatusChangeId'>();
export type SealStatusChangeId = z.infer<typeof sealStatusChangeIdSchema>;

/** A device log entry: keyed by origin, `deviceId:seq` (see `deviceEventId`). */
export const deviceEventIdSchema = factId().brand<'DeviceEventId'>();
export type DeviceEventId = z.infer<typeof deviceEventIdSchema>;

/** An alarm: keyed by what raised it (see `alarmId`). */
export const alarmIdSchema = factId().brand<'AlarmId'>();
export type AlarmId = z.infer<typeof alarmIdSchema>;

/**
 * Brands a string as an id after checking its form; throws on a malformed id. For tests,
 * fixtures and ids this code composes itself. Input from outside goes through the schemas.
 */
export const asId = <S extends z.ZodType<string, string>>(schema: S, text: string): z.infer<S> => schema.parse(text);
