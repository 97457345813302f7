import {
  isReason, parseAntiCounterfeitCode,
  type DeviceId, type Millis, type NewSeal, type SealForm, type SealId, type SealKind, type UnitId, type UserId,
} from '@seal/shared';
import { normalizeAntiCounterfeitCode } from './sealViews';

/** The new-seal form as typed: plain strings, `''` for "not chosen". */
export interface SealDraft {
  readonly name: string;
  readonly kind: SealKind;
  readonly form: SealForm;
  readonly unitId: string;
  readonly custodianId: string;
  readonly antiCounterfeitCode: string;
  /** Physical seals only; `''` leaves the seal unbound. */
  readonly deviceId: string;
  readonly reason: string;
}

/** The fields of the form that can be wrong, and how. */
export interface DraftProblems {
  name?: 'required' | 'too_long';
  unitId?: 'required';
  custodianId?: 'required';
  antiCounterfeitCode?: 'required' | 'wrong_length' | 'not_digits';
  reason?: 'required';
}

export type DraftCheck =
  | { readonly ok: true; readonly seal: NewSeal; readonly reason: string }
  | { readonly ok: false; readonly problems: DraftProblems };

const MAX_NAME = 200;

/**
 * Checks the form field by field, so each problem shows beside its field (the domain's
 * `createSeal` checks the whole seal again, and the policy, when it is made). The code is
 * required on a physical seal (it is engraved on it) and optional on an electronic one; it is
 * kept as its 13 digits, whatever grouping or full-width digits it was typed with.
 */
export function checkSealDraft(draft: SealDraft, id: SealId, at: Millis): DraftCheck {
  const problems: DraftProblems = {};
  const name = draft.name.trim();
  if (name === '') problems.name = 'required';
  else if ([...name].length > MAX_NAME) problems.name = 'too_long';
  if (draft.unitId === '') problems.unitId = 'required';
  if (draft.custodianId === '') problems.custodianId = 'required';
  const code = normalizeAntiCounterfeitCode(draft.antiCounterfeitCode);
  if (code === '') {
    if (draft.form === 'physical') problems.antiCounterfeitCode = 'required';
  } else {
    const parsed = parseAntiCounterfeitCode(code);
    if (!parsed.ok) problems.antiCounterfeitCode = parsed.error.code === 'not_digits' ? 'not_digits' : 'wrong_length';
  }
  if (!isReason(draft.reason)) problems.reason = 'required';
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  const base = { id, name, kind: draft.kind, unitId: draft.unitId as UnitId, custodianId: draft.custodianId as UserId, createdAt: at };
  const seal: NewSeal =
    draft.form === 'physical'
      ? { ...base, form: 'physical', antiCounterfeitCode: code, deviceId: draft.deviceId === '' ? null : (draft.deviceId as DeviceId) }
      : { ...base, form: 'electronic', ...(code === '' ? {} : { antiCounterfeitCode: code }) };
  return { ok: true, seal, reason: draft.reason.trim() };
}

/**
 * The anti-counterfeit code's problem as the person leaves the field (the same check as on
 * submit: 13 digits, 4 area + 3 engraver + 6 serial), so a mistyped code is said at once.
 * `undefined` when the code is well formed, or empty (a requirement only the submit states).
 */
export function codeProblemOnInput(text: string): DraftProblems['antiCounterfeitCode'] {
  const code = normalizeAntiCounterfeitCode(text);
  if (code === '') return undefined;
  const parsed = parseAntiCounterfeitCode(code);
  return parsed.ok ? undefined : parsed.error.code === 'not_digits' ? 'not_digits' : 'wrong_length';
}
