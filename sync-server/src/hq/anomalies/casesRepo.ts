import { createHash } from 'node:crypto';
import type { DocumentScope } from 'nano';
import { anomalyRulesSchema, DEFAULT_ANOMALY_RULES, type Anomaly, type AnomalyRules, type CaseView, type SpotCheckView } from '@seal/shared';
import { getDoc, listDocs, type Stored } from '../../couch/docs';

/**
 * The `cases` database: one document per anomaly case (`case:<id>`, the id derived from the
 * case key, so every server instance that detects a root cause names the same document), the
 * detection rules (`anomaly-rules`), and spot checks (`spot:<id>`). Every document is written
 * through the change journal with its audit record; this module reads.
 */
export type CaseDoc = CaseView & { readonly type: 'case' };
export type SpotCheckDoc = SpotCheckView & { readonly type: 'spot-check' };
export interface RulesDoc {
  readonly type: 'anomaly-rules';
  readonly rules: AnomalyRules;
  readonly updatedAt: number;
  readonly updatedBy: string;
}

export const RULES_DOC_ID = 'anomaly-rules';
/** A case's id: the first 128 bits of SHA-256 of its key, in hex (URL-safe, fixed length, the same everywhere). */
export const caseIdOf = (caseKey: string): string => createHash('sha256').update(caseKey, 'utf8').digest('hex').slice(0, 32);
export const caseDocId = (id: string): string => `case:${id}`;
export const spotCheckDocId = (id: string): string => `spot:${id}`;

/** A new case for an anomaly, opened at `now`. */
export const newCase = (anomaly: Anomaly, now: number): CaseDoc => ({
  type: 'case', id: caseIdOf(anomaly.caseKey), caseKey: anomaly.caseKey, kind: anomaly.kind, severity: anomaly.severity, status: 'open',
  unitId: anomaly.unitId, deviceId: anomaly.deviceId, sealId: anomaly.sealId, requestId: anomaly.requestId, at: anomaly.at,
  message: anomaly.message, evidence: [...anomaly.evidence], openedAt: now, lastSeenAt: now,
});

/** A case as the API shows it. */
export const caseView = ({ type: _t, ...view }: CaseDoc): CaseView => view;

const strip = <T>({ _id: _i, _rev: _r, ...doc }: T & Stored): T => doc as T;

export interface CasesRepo {
  get(id: string): Promise<CaseDoc | undefined>;
  /** Every case (cases are one per root cause: few beside the events they are about). */
  list(): Promise<CaseDoc[]>;
  rules(): Promise<{ rules: AnomalyRules; updatedAt: number | null; updatedBy: string | null }>;
  spotCheck(id: string): Promise<SpotCheckDoc | undefined>;
}

export function casesRepo(db: DocumentScope<object>): CasesRepo {
  return {
    async get(id) {
      const doc = await getDoc(db as DocumentScope<CaseDoc>, caseDocId(id));
      return doc && doc.type === 'case' ? strip<CaseDoc>(doc) : undefined;
    },
    async list() {
      return (await listDocs(db as DocumentScope<CaseDoc>, 'case:')).filter((d) => d.type === 'case').map((d) => strip<CaseDoc>(d));
    },
    async rules() {
      const doc = await getDoc(db as DocumentScope<RulesDoc>, RULES_DOC_ID);
      const parsed = doc ? anomalyRulesSchema.safeParse(doc.rules) : undefined;
      return parsed?.success ? { rules: parsed.data, updatedAt: doc!.updatedAt, updatedBy: doc!.updatedBy } : { rules: DEFAULT_ANOMALY_RULES, updatedAt: null, updatedBy: null };
    },
    async spotCheck(id) {
      const doc = await getDoc(db as DocumentScope<SpotCheckDoc>, spotCheckDocId(id));
      return doc && doc.type === 'spot-check' ? strip<SpotCheckDoc>(doc) : undefined;
    },
  };
}
