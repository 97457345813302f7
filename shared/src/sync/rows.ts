import { z } from 'zod';
import { unitIdSchema, userIdSchema } from '../domain/ids';
import { base64UrlSchema } from '../domain/primitives';
import { factKindSchema, recordKindSchema, type FactKind, type RecordKind } from './kinds';
import { subjectSchema } from './subject';

/** The longest row id: `fact:` + kind + `:` + a fact id of up to 512 characters. */
export const MAX_ROW_ID_LENGTH = 600;
/** The largest Automerge change a row may carry, in base64url characters (~48 KiB of bytes). */
export const MAX_CHANGE_CHARS = 65_536;
/** Who authors the rows the sync-server raises itself (alarms). Never a session user. */
export const SERVER_AUTHOR = 'sync-server';

const envelope = {
  id: z.string().min(1).max(MAX_ROW_ID_LENGTH),
  subject: subjectSchema,
  /** The unit whose subtree must cover a user for them to push or pull the row. */
  scopeUnitId: unitIdSchema,
  /** The user who made the row: the session user when pushed. */
  author: userIdSchema,
  /**
   * The author's clock when the row was made (informational: never part of a fact's identity).
   * Not bounded like a record's times (`millisSchema`): rows stored before that bound came must
   * still pull; nothing computes a date from it.
   */
  createdAt: z.int().nonnegative(),
};

/**
 * An append-only fact as it replicates: an envelope (who, where, when, about what) around the
 * fact's body. The row id is `fact:kind:factId`; the fact's identity is its body (see
 * `factIdOf`): two rows with one id and different bodies are a conflict, never an update.
 */
export const factRowSchema = z.strictObject({
  ...envelope,
  type: z.literal('fact'),
  kind: factKindSchema,
  /** The fact itself, checked against its kind's schema (`factBodySchemas`). */
  body: z.record(z.string(), z.unknown()),
});
export type FactRow = z.infer<typeof factRowSchema>;

/**
 * One Automerge change of a mutable record, as an immutable row: id `change:kind:recordId:hash`,
 * the change's bytes in base64url. Replicas that hold the same change rows hold the same
 * document, whatever order they arrived in.
 */
export const changeRowSchema = z.strictObject({
  ...envelope,
  type: z.literal('change'),
  kind: recordKindSchema,
  bytes: base64UrlSchema.min(1).max(MAX_CHANGE_CHARS),
});
export type ChangeRow = z.infer<typeof changeRowSchema>;

/** A row of the replicated `rows` collection: a fact or a change. */
export const syncRowSchema = z.discriminatedUnion('type', [factRowSchema, changeRowSchema]);
export type SyncRow = z.infer<typeof syncRowSchema>;

/** The row id of a fact. */
export const factRowId = (kind: FactKind, factId: string): string => `fact:${kind}:${factId}`;

/** The row id of an Automerge change (its hash is the change's own SHA-256, as Automerge names it). */
export const changeRowId = (kind: RecordKind, recordId: string, hash: string): string => `change:${kind}:${recordId}:${hash}`;

/** The id prefix shared by every change row of one record (an `_all_docs` key range on the server). */
export const changeRowPrefix = (kind: RecordKind, recordId: string): string => `change:${kind}:${recordId}:`;
