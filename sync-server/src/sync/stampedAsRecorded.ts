import { judgeStampedPdf, sealAppearance, sealOrganisationName, type Impression, type Refusal, type Result, type SealRecord, type StampedPdfRefusalCode } from '@seal/shared';
import { sealFont } from './sealFont';

/**
 * Whether the PDF sent for an impression's countersignature adds to the approved document only
 * what the impression draws (`judgeStampedPdf`), judged with the seal as the organisation holds
 * it — its record's kind, name and anti-counterfeit code, its unit's name — the seal font this
 * server serves to tablets, and the server's own origins for the QR.
 */
export function stampedAsRecorded(
  pdf: Uint8Array,
  impression: Impression,
  held: { readonly sourceLength: number; readonly seal: Pick<SealRecord, 'kind' | 'name' | 'antiCounterfeitCode' | 'unitId'>; readonly unitName: (unitId: string) => string; readonly origins: readonly string[] },
): Promise<Result<unknown, Refusal<StampedPdfRefusalCode>>> {
  const appearance = sealAppearance(held.seal, sealOrganisationName(held.seal, held.unitName(held.seal.unitId)));
  return judgeStampedPdf(pdf, { sourceLength: held.sourceLength, impression, appearance, font: sealFont, origins: held.origins });
}
